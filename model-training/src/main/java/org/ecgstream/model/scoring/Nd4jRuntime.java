package org.ecgstream.model.scoring;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Starts ND4J once per JVM on its own daemon thread and sets its thread count.
 *
 * <p>Why a thread of its own: if the thread that first touches ND4J is interrupted while JavaCPP
 * unpacks and locks its natives (a Flink task being cancelled, say), the {@code Nd4j} class fails
 * to initialise and stays broken for the life of the JVM. An interrupt cannot reach this thread.
 */
public final class Nd4jRuntime {
  private static final FutureTask<String> INIT = new FutureTask<>(() -> {
    OpenBlasKernels.refuseUnsupported();
    Nd4j.create(1);
    // ND4J otherwise calls System.gc() every few seconds to free native memory of dead arrays;
    // those pauses land in the middle of scoring. The JVM and JavaCPP still collect when needed.
    Nd4j.getMemoryManager().togglePeriodicGc(false);
    return Nd4j.getBackend().getClass().getSimpleName();
  });
  private static final Thread INIT_THREAD = new Thread(INIT, "nd4j-init");

  static {
    INIT_THREAD.setDaemon(true);
  }

  private Nd4jRuntime() {}

  /** Blocks until ND4J is ready and returns the backend's name; interrupts are deferred, not lost. */
  public static String ensureStarted() {
    synchronized (INIT_THREAD) {
      if (INIT_THREAD.getState() == Thread.State.NEW) {
        INIT_THREAD.start();
      }
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return INIT.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw new IllegalStateException("ND4J failed to start: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Sets ND4J's native (OpenMP) thread count for this JVM. On 2 cores one thread per scorer was
   * several times faster than ND4J's default, which oversubscribes the cores.
   */
  public static void setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    ensureStarted();
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    // The fused engine calls OpenBLAS directly: its pool gets the same count.
    org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
  }

  public static int threads() {
    ensureStarted();
    return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
  }
}
