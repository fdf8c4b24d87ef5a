import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

describe('gpu-library', () => {
  describe('NRN551 triton', () => {
    it('fires once per import statement at the module name, and on torch.library.triton_op', async () => {
      const f = await findingsOf('NRN551', `
        import triton
        import triton.language as tl
        from triton import jit as tjit
        import torch
        @triton.jit
        def k(x_ptr):
            pass
        @torch.library.triton_op("mylib::add", mutates_args=())
        def add(x):
            return x
      `);
      assert.deepEqual(at(f), [[1, 8], [2, 8], [3, 6], [8, 16]]);
      assert.equal(f[0].severity, 'error');
    });
    it('ignores guarded imports, local packages, strings and comments', async () => {
      const f = await findingsOf('NRN551', `
        try:
            import triton
        except ImportError:
            triton = None
        from .triton import kernels
        from mypkg.triton_utils import helper
        # import triton
        s = "pip install triton"
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN552 flash_attn', () => {
    it('fires on flash_attn imports', async () => {
      const f = await findingsOf('NRN552', `
        from flash_attn import flash_attn_func
        import flash_attn.bert_padding as bp
        from flash_attn.flash_attn_interface import flash_attn_varlen_func
      `);
      assert.deepEqual(at(f), [[1, 6], [2, 8], [3, 6]]);
    });
    it('ignores flash-attention names that are not imports of the package', async () => {
      const f = await findingsOf('NRN552', `
        from neuronx_distributed.kernels.flash_attn import nki_flash_attn_func
        def flash_attn(q, k, v):
            return q
        y = flash_attn(q, k, v)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN553 attn_implementation="flash_attention_2"', () => {
    it('fires at the string on stock transformers models, also through a variable', async () => {
      const f = await findingsOf('NRN553', `
        from transformers import AutoModelForCausalLM
        impl = "flash_attention_2"
        m = AutoModelForCausalLM.from_pretrained(mid, attn_implementation="flash_attention_2")
        n = AutoModelForCausalLM.from_pretrained(mid, attn_implementation=impl)
        m.config._attn_implementation = "flash_attention_2"
      `);
      assert.deepEqual(at(f), [[2, 8], [3, 67], [5, 33]]);
    });
    it('does not fire for Optimum Neuron models, sdpa, or in comments', async () => {
      const f = await findingsOf('NRN553', `
        from transformers import AutoModelForCausalLM
        from optimum.neuron.models.training import NeuronModelForCausalLM
        m = NeuronModelForCausalLM.from_pretrained(mid, cfg, attn_implementation="flash_attention_2")
        n = AutoModelForCausalLM.from_pretrained(mid, attn_implementation="sdpa")
        # attn_implementation="flash_attention_2"
        doc = 'attn_implementation="flash_attention_2"'
        impl = "flash_attention_2" if torch.cuda.is_available() else "sdpa"
        o = AutoModelForCausalLM.from_pretrained(mid, attn_implementation=impl)
        kw = dict(attn_implementation="flash_attention_2")
        lm = NeuronModelForCausalLM.from_pretrained(mid, cfg, **kw)
      `);
      assert.deepEqual(at(f), []);
      assert.deepEqual(await findingsOf('NRN553', 'cfg = dict(attn_implementation="flash_attention_2")\n'), []);
    });
  });

  describe('NRN554 bitsandbytes', () => {
    it('fires on bitsandbytes imports', async () => {
      const f = await findingsOf('NRN554', `
        import bitsandbytes as bnb
        from bitsandbytes.optim import AdamW8bit
        if args.use_8bit_adam:
            try:
                import bitsandbytes as bnb
            except ImportError:
                logger.error("bitsandbytes is missing")
                raise ImportError("Please install bitsandbytes to use 8-bit Adam")
            optimizer_cls = bnb.optim.AdamW8bit
      `);
      // An except that only logs and raises makes the library required there, not optional.
      assert.deepEqual(at(f), [[1, 8], [2, 6], [5, 16]]);
    });
    it('ignores guarded imports', async () => {
      const f = await findingsOf('NRN554', `
        try:
            import bitsandbytes
        except (ImportError, RuntimeError):
            bitsandbytes = None
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN555 bitsandbytes quantization', () => {
    it('fires on BitsAndBytesConfig and on load_in_8bit/4bit keywords', async () => {
      const f = await findingsOf('NRN555', `
        from transformers import AutoModelForCausalLM, BitsAndBytesConfig as BNB
        q = BNB(load_in_4bit=True)
        m = AutoModelForCausalLM.from_pretrained(mid, load_in_8bit=True)
      `);
      assert.deepEqual(at(f), [[2, 5], [3, 47]]);
    });
    it('ignores load_in_8bit=False, unrelated code and a user class', async () => {
      const f = await findingsOf('NRN555', `
        from transformers import AutoModelForCausalLM
        m = AutoModelForCausalLM.from_pretrained(mid, load_in_8bit=False)
        class BitsAndBytesConfig:
            pass
        c = BitsAndBytesConfig()
      `);
      assert.deepEqual(at(f), []);
      assert.deepEqual(await findingsOf('NRN555', 'def load(load_in_8bit=True):\n    pass\nload(load_in_8bit=True)\n'), []);
    });
  });

  describe('NRN556 xformers', () => {
    it('fires on xformers imports and enable_xformers_memory_efficient_attention()', async () => {
      const f = await findingsOf('NRN556', `
        import xformers.ops as xops
        from diffusers import StableDiffusionPipeline
        pipe = StableDiffusionPipeline.from_pretrained(mid)
        pipe.enable_xformers_memory_efficient_attention()
      `);
      assert.deepEqual(at(f), [[1, 8], [4, 6]]);
    });
    it('ignores a user method of the same name and comments', async () => {
      const f = await findingsOf('NRN556', `
        class P:
            def enable_xformers_memory_efficient_attention(self):
                pass
        P().enable_xformers_memory_efficient_attention()
        # import xformers
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN557 apex', () => {
    it('fires on apex imports', async () => {
      const f = await findingsOf('NRN557', `
        from apex import amp
        from apex.optimizers import FusedAdam
      `);
      assert.deepEqual(at(f), [[1, 6], [2, 6]]);
    });
    it('ignores other modules named like apex', async () => {
      const f = await findingsOf('NRN557', `
        import apexcharts
        from mylib.apex import thing
        apex = 3
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN558 deepspeed', () => {
    it('fires on deepspeed imports on the xla stack', async () => {
      const f = await findingsOf('NRN558', `
        import deepspeed
        from deepspeed.ops.adam import FusedAdam
      `);
      assert.deepEqual(at(f), [[1, 8], [2, 6]]);
    });
    it('is off on native, and ignores the TrainingArguments keyword', async () => {
      assert.deepEqual(await findingsOf('NRN558', 'import deepspeed\n', 'native'), []);
      assert.deepEqual(await findingsOf('NRN558', 'from transformers import TrainingArguments\na = TrainingArguments(deepspeed="ds.json")\n'), []);
      assert.deepEqual(await findingsOf('NRN558', 'from transformers.integrations import is_deepspeed_available\nif is_deepspeed_available():\n    import deepspeed\n'), []);
    });
  });

  describe('NRN559 cupy', () => {
    it('fires on cupy and cupyx imports', async () => {
      const f = await findingsOf('NRN559', `
        import cupy as cp
        from cupyx.scipy import ndimage
      `);
      assert.deepEqual(at(f), [[1, 8], [2, 6]]);
    });
    it('ignores numpy and guarded cupy', async () => {
      const f = await findingsOf('NRN559', `
        import numpy as np
        try:
            import cupy as xp
        except ImportError:
            import numpy as xp
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN560 liger kernel', () => {
    it('fires on liger_kernel imports and use_liger_kernel=True', async () => {
      const f = await findingsOf('NRN560', `
        from liger_kernel.transformers import apply_liger_kernel_to_llama
        from transformers import TrainingArguments
        args = TrainingArguments(
            output_dir="o",
            use_liger_kernel=True,
        )
      `);
      assert.deepEqual(at(f), [[1, 6], [5, 5]]);
    });
    it('ignores use_liger_kernel=False', async () => {
      const f = await findingsOf('NRN560', `
        from transformers import TrainingArguments
        args = TrainingArguments(output_dir="o", use_liger_kernel=False)
      `);
      assert.deepEqual(at(f), []);
    });
  });
});
