// Documentation URLs the rules cite (the research notes give the source page of each rule).
export const NEURON_DOCS = 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest';
export const DOCS = {
  programmingGuide: `${NEURON_DOCS}/archive/nxd-training/pytorch-neuron-programming-guide.html`,
  nativeOverview: `${NEURON_DOCS}/frameworks/torch/pytorch-native-overview.html`,
  pytorch29: `${NEURON_DOCS}/archive/appnotes/torch-neuronx/introducing-pytorch-2-9.html`,
  debug: `${NEURON_DOCS}/archive/nxd-training/pytorch-neuron-debug.html`,
  dataTypes: `${NEURON_DOCS}/about-neuron/arch/neuron-features/data-types.html`,
  optimumTraining: 'https://huggingface.co/docs/optimum-neuron/training_tutorials/finetune_llm',
  optimumInference: 'https://huggingface.co/docs/optimum-neuron/guides/export_model',
  ptxlaTroubleshoot: 'https://github.com/pytorch/xla/blob/master/docs/source/learn/troubleshoot.md',
} as const;
