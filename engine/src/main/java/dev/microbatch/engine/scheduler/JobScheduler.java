package dev.microbatch.engine.scheduler;

import dev.microbatch.engine.dataset.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stages of one job in order, each as one task per partition on a fixed pool of {@code
 * parallelism} threads. The first task failure cancels the others and fails the job with the
 * original exception; the pool is gone before the job returns or throws.
 */
public final class JobScheduler {
  static final String THREAD_PREFIX = "microbatch-task-";
  private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

  private final int jobId;
  private final int parallelism;
  private final JobControl control;
  private final List<JobListener> listeners;
  private final List<Thread> threads = new ArrayList<>();

  public JobScheduler(int jobId, int parallelism, JobControl control, List<JobListener> listeners) {
    this.jobId = jobId;
    this.parallelism = parallelism;
    this.control = control;
    this.listeners = listeners;
  }

  public void run(List<Stage> stages) {
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, threadFactory());
    try {
      for (Stage stage : stages) {
        control.checkCancelled();
        runStage(stage, pool);
      }
    } finally {
      pool.shutdownNow();
      awaitTermination(pool);
    }
  }

  /**
   * Waits until every task has ended and then every pool thread has exited: a terminated pool may
   * still have threads on their way out, and no engine thread may outlive its job.
   */
  private void awaitTermination(ExecutorService pool) {
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(10, TimeUnit.SECONDS)) {
          break;
        }
        LOG.warn("Job {}: still waiting for tasks that ignore cancellation to end", jobId);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    List<Thread> started;
    synchronized (threads) {
      started = List.copyOf(threads);
    }
    for (Thread thread : started) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void runStage(Stage stage, ExecutorService pool) {
    long start = System.nanoTime();
    ExecutorCompletionService<TaskMetrics> completion = new ExecutorCompletionService<>(pool);
    Map<Object, Object> sharedInStage = new ConcurrentHashMap<>();
    Set<Dataset<?>> inputs = stage.inputs();
    List<Future<TaskMetrics>> tasks = new ArrayList<>();
    for (int p = 0; p < stage.numTasks(); p++) {
      int partition = p;
      tasks.add(completion.submit(() -> runTask(stage, partition, sharedInStage, inputs)));
    }
    control.track(tasks);
    try {
      for (int done = 0; done < tasks.size(); done++) {
        Future<TaskMetrics> finished = takeInterruptibly(completion);
        try {
          TaskMetrics metrics = finished.get();
          listeners.forEach(l -> l.onTaskEnded(jobId, stage.id(), metrics));
        } catch (CancellationException e) {
          control.checkCancelled();
          throw e;
        } catch (ExecutionException e) {
          control.cancel();
          throw rethrow(e.getCause());
        } catch (InterruptedException e) {
          // get() on a completed future does not wait; keep the flag for the caller.
          Thread.currentThread().interrupt();
        }
      }
    } finally {
      control.untrack(tasks);
    }
    stage.sink().stageCompleted();
    listeners.forEach(l -> l.onStageCompleted(jobId, stage.id()));
    LOG.debug(
        "Job {} stage {} ({} tasks) done in {} ms",
        jobId,
        stage.id(),
        stage.numTasks(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private TaskMetrics runTask(
      Stage stage, int partition, Map<Object, Object> sharedInStage, Set<Dataset<?>> inputs) {
    control.checkCancelled();
    TaskContext task =
        new TaskContext(
            partition,
            control,
            sharedInStage,
            bytes -> listeners.forEach(l -> l.onSpill(jobId, stage.id(), bytes)),
            inputs);
    Throwable failure = null;
    try {
      CountingIterator<?> written =
          new CountingIterator<>(stage.dataset().iterator(partition, task));
      stage.sink().consume(partition, written, task);
      return new TaskMetrics(task.recordsRead(), written.count());
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      try {
        task.complete(failure == null);
      } catch (RuntimeException e) {
        if (failure == null) {
          throw e;
        }
        failure.addSuppressed(e);
      }
    }
  }

  private Future<TaskMetrics> takeInterruptibly(ExecutorCompletionService<TaskMetrics> completion) {
    try {
      return completion.take();
    } catch (InterruptedException e) {
      control.cancel();
      Thread.currentThread().interrupt();
      throw new JobCancelledException("Job " + jobId + " was interrupted");
    }
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new TaskFailedException(cause);
  }

  private ThreadFactory threadFactory() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, THREAD_PREFIX + jobId + "-" + n.incrementAndGet());
      t.setDaemon(true);
      synchronized (threads) {
        threads.add(t);
      }
      return t;
    };
  }
}
