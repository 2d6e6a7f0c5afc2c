package dev.tuneloop.ml.train;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A tiny TorchScript module with one method, {@code clip_adamw}: global-norm gradient clipping and
 * the AdamW update of every trainable tensor in a handful of libtorch calls, the way {@code
 * torch.nn.utils.clip_grad_norm_} and {@code torch.optim.AdamW(fused=True)} do it.
 *
 * <p>Why: DJL exposes libtorch's basic ops only. Its fused {@code adamUpdate} runs about fifteen
 * separate passes per tensor (seven of them into freshly allocated tensors) and clipping with DJL
 * ops needs a squared copy of every gradient; for full fine-tuning (every weight, including the
 * 30522 x 384 word embeddings) that made the optimizer and clipping about a third of the step.
 * libtorch's own {@code _foreach_norm} and {@code _fused_adamw_} (one read-modify-write pass over
 * weight, gradient and both moments per tensor, the clipping coefficient applied on the fly as a
 * gradient scale) are reachable only through TorchScript, so this class writes the TorchScript
 * archive (source text plus a pickled empty module) in memory and loads it with DJL.
 *
 * <p>The method takes the parameters of the decayed and of the non-decayed group as separate lists
 * and updates them in place through those very lists: TorchScript's dead-code elimination drops an
 * in-place op applied to a derived list (a slice or a concatenation), so none is. It returns the
 * global norm before clipping, updates nothing if that norm is NaN or infinite and always zeroes
 * the gradients afterwards (so the next backward pass starts from zero). The source is the form
 * {@code torch.jit.save} writes for the equivalent Python method, which is what the loader parses.
 */
final class OptimizerKernel {

  static final String METHOD = "clip_adamw";

  /** TorchScript source, in the form {@code torch.jit.save} writes to {@code code/__torch__.py}. */
  private static final String SOURCE =
      """
      class OptimizerKernel(Module):
        __parameters__ = []
        __buffers__ = []
        training : bool
        def forward(self: __torch__.OptimizerKernel,
          x: Tensor) -> Tensor:
          return x
        def clip_adamw(self: __torch__.OptimizerKernel,
          params: List[Tensor],
          grads: List[Tensor],
          exp_avgs: List[Tensor],
          exp_avg_sqs: List[Tensor],
          steps: List[Tensor],
          params_nd: List[Tensor],
          grads_nd: List[Tensor],
          exp_avgs_nd: List[Tensor],
          exp_avg_sqs_nd: List[Tensor],
          steps_nd: List[Tensor],
          lr: float,
          beta1: float,
          beta2: float,
          eps: float,
          weight_decay: float,
          max_norm: float) -> float:
          all_grads = torch.add(grads, grads_nd)
          norms = torch._foreach_norm(all_grads, 2.)
          total = torch.linalg_vector_norm(torch.stack(norms), 2.)
          norm = float(torch.item(total))
          _0 = int(torch.item(torch.isfinite(total)))
          if bool(_0):
            if torch.gt(max_norm, 0.):
              _1 = torch.gt(norm, max_norm)
            else:
              _1 = False
            if _1:
              _2 = [1]
              _3 = torch.add(norm, 9.9999999999999995e-07)
              grad_scale0 = torch.full(_2, torch.div(_3, max_norm), dtype=6, layout=None, device=ops.prim.device(all_grads[0]))
              grad_scale : Optional[Tensor] = grad_scale0
            else:
              grad_scale = None
            empty = annotate(List[Tensor], [])
            if torch.gt(torch.len(params), 0):
              torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, empty, steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False, grad_scale=grad_scale)
            else:
              pass
            if torch.gt(torch.len(params_nd), 0):
              torch._fused_adamw_(params_nd, grads_nd, exp_avgs_nd, exp_avg_sqs_nd, empty, steps_nd, lr=lr, beta1=beta1, beta2=beta2, weight_decay=0., eps=eps, amsgrad=False, maximize=False, grad_scale=grad_scale)
            else:
              pass
          else:
            pass
          if torch.gt(torch.len(grads), 0):
            torch._foreach_zero_(grads)
          else:
            pass
          if torch.gt(torch.len(grads_nd), 0):
            torch._foreach_zero_(grads_nd)
          else:
            pass
          return norm
      """;

  /**
   * The module object, pickled (protocol 2) as {@code torch.jit.save} does: an instance of {@code
   * __torch__.OptimizerKernel} whose state is {@code {"training": True}}.
   */
  private static byte[] modulePickle() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80); // PROTO 2
    out.write(2);
    out.writeBytes("c__torch__\nOptimizerKernel\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
    out.write(')'); // EMPTY_TUPLE
    out.write(0x81); // NEWOBJ
    out.write('}'); // EMPTY_DICT
    out.write('X'); // BINUNICODE "training"
    byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(new byte[] {(byte) key.length, 0, 0, 0});
    out.writeBytes(key);
    out.write(0x88); // NEWTRUE
    out.write('s'); // SETITEM
    out.write('b'); // BUILD
    out.write('.'); // STOP
    return out.toByteArray();
  }

  private OptimizerKernel() {}

  /** Compiles the kernel module on the manager's device. */
  static PtSymbolBlock load(NDManager manager) {
    if (!(manager instanceof PtNDManager pt)) {
      throw new IllegalStateException(
          "The optimizer needs the PyTorch engine, not " + manager.getEngine().getEngineName());
    }
    try {
      return JniUtils.loadModule(pt, new ByteArrayInputStream(archive()), true, false);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not load the optimizer kernel", e);
    }
  }

  /** The TorchScript archive: a zip of {@code <name>/data.pkl, code/..., version, ...}. */
  static byte[] archive() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      entry(zip, "data.pkl", modulePickle());
      entry(zip, "code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
      entry(zip, "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // an empty tuple
      entry(zip, "version", "5\n".getBytes(StandardCharsets.US_ASCII));
      entry(zip, "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
    }
    return bytes.toByteArray();
  }

  private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry("optimizer_kernel/" + name));
    zip.write(content);
    zip.closeEntry();
  }
}
