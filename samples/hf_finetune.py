"""Fine-tune a causal language model with the Hugging Face Trainer on GPUs, then generate with a pipeline.

    accelerate launch hf_finetune.py

Written for CUDA: fp16 mixed precision, FlashAttention-2, bitsandbytes 8-bit optimiser, `device_map="auto"`.
Neuron Lens points at the Optimum Neuron replacements (NeuronTrainer, NeuronTrainingArguments,
NeuronModelForCausalLM, optimum.neuron.pipeline) and the settings that do not apply on Trainium.
"""
import torch
from datasets import load_dataset
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    DataCollatorForLanguageModeling,
    Trainer,
    TrainingArguments,
    pipeline,
)

MODEL_ID = "meta-llama/Llama-3.2-1B"


def tokenize(batch, tokenizer):
    return tokenizer(batch["text"], truncation=True, max_length=1024)


def main():
    tokenizer = AutoTokenizer.from_pretrained(MODEL_ID)
    tokenizer.pad_token = tokenizer.eos_token

    model = AutoModelForCausalLM.from_pretrained(
        MODEL_ID,
        torch_dtype=torch.float16,
        attn_implementation="flash_attention_2",
        device_map="auto",
    )
    model.gradient_checkpointing_enable()

    raw = load_dataset("wikitext", "wikitext-2-raw-v1")
    train = raw["train"].map(lambda b: tokenize(b, tokenizer), batched=True, remove_columns=["text"])
    evaluation = raw["validation"].map(lambda b: tokenize(b, tokenizer), batched=True, remove_columns=["text"])

    args = TrainingArguments(
        output_dir="out/llama-wikitext",
        per_device_train_batch_size=4,
        gradient_accumulation_steps=8,
        learning_rate=2e-5,
        num_train_epochs=1,
        fp16=True,
        optim="adamw_bnb_8bit",
        logging_steps=10,
        eval_strategy="steps",
        eval_steps=200,
        save_steps=500,
        report_to="none",
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train,
        eval_dataset=evaluation,
        data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False),
    )
    trainer.train()
    trainer.save_model("out/llama-wikitext/final")

    generate = pipeline("text-generation", model="out/llama-wikitext/final", tokenizer=tokenizer, device=0)
    print(generate("The history of the Trainium chip", max_new_tokens=64, do_sample=True)[0]["generated_text"])


if __name__ == "__main__":
    main()
