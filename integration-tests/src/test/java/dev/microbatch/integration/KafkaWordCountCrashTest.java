package dev.microbatch.integration;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.microbatch.examples.kafka.EmbeddedKafkaBroker;
import dev.microbatch.examples.kafka.KafkaWordCount;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * KafkaWordCount with --checkpointDirectory in a JVM of its own, killed with SIGKILL at random
 * moments and started again on the same directory each time: in the end, the last count emitted for
 * every word of every window is its true count, and no window is missing. State and offsets are
 * exact; output is at least once (a pane emitted again after a restart carries the same count).
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaWordCountCrashTest {
  /** Kills in CI; the soak command sets more with -Dcrash.kills. */
  private static final int KILLS = Integer.getInteger("crash.kills", 5);

  @TempDir Path work;

  @Test
  void killedWithSigkillAndRestartedOnItsCheckpointsItEndsWithEveryCountExact(
      EmbeddedKafkaBroker broker) throws Exception {
    WordCountTopics topics = new WordCountTopics();
    topics.produceLines(broker, "crash-lines");
    broker.createTopic("crash-counts", 1);
    Random random = new Random(7);
    List<Long> killedAfterMillis = new ArrayList<>();
    for (int kill = 0; kill < KILLS; kill++) {
      Process job = startJob(broker, kill);
      awaitStreaming(job, kill);
      long started = System.currentTimeMillis();
      // a batch of 2,000 lines every 200 ms, a checkpoint every 5 batches: the first life dies
      // early, likely before its first checkpoint (the next starts afresh); the second once it
      // has written two, however long the machine takes for them; the others at random
      if (kill == 1) {
        awaitCheckpoints(2, job, kill);
      } else {
        long lifetime = kill == 0 ? 400 : 500 + random.nextInt(2500);
        assertThat(
            "the job died by itself, see " + log(kill),
            job.waitFor(lifetime, TimeUnit.MILLISECONDS),
            equalTo(false));
      }
      job.destroyForcibly().waitFor(); // SIGKILL
      killedAfterMillis.add(System.currentTimeMillis() - started);
    }
    Process last = startJob(broker, KILLS);
    try {
      Map<Long, Map<String, Long>> counts = topics.countsWritten(broker, "crash-counts", true);
      // the killed lives' logs are complete (the last one's may not be: its counts can all be out
      // before it has even started); the third life on find the second's checkpoints
      long resumed = 0;
      for (int life = 2; life < KILLS; life++) {
        resumed +=
            Files.readString(log(life).toPath()).contains("Resumed from the checkpoint") ? 1 : 0;
      }
      System.out.printf(
          "CRASH: %d SIGKILLs survived (after %s ms of streaming), %d of the %d killed starts after the"
              + " second resumed from a checkpoint, every count of %d windows exact%n",
          KILLS, killedAfterMillis, resumed, KILLS - 2, counts.size());
      assertThat(counts, equalTo(topics.produced()));
      assertThat(
          "killed starts that resumed from a checkpoint", resumed, equalTo((long) KILLS - 2));
    } finally {
      last.destroyForcibly().waitFor();
    }
  }

  /**
   * Waits until the job's first batch is about to run: JVM start-up takes what the machine gives
   * it.
   */
  private void awaitStreaming(Process job, int life) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (!Files.readString(log(life).toPath()).contains("Streaming started")) {
      assertThat("the job is alive, see " + log(life), job.isAlive(), equalTo(true));
      assertThat(
          "the job starts in time, see " + log(life),
          System.currentTimeMillis() < deadline,
          equalTo(true));
      Thread.sleep(20);
    }
  }

  /** Waits until the job's checkpoint directory holds {@code count} checkpoints. */
  private void awaitCheckpoints(int count, Process job, int life) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (checkpointsWritten() < count) {
      assertThat("the job is alive, see " + log(life), job.isAlive(), equalTo(true));
      assertThat(
          count + " checkpoints in time, see " + log(life),
          System.currentTimeMillis() < deadline,
          equalTo(true));
      Thread.sleep(20);
    }
  }

  private long checkpointsWritten() throws Exception {
    Path dir = work.resolve("checkpoints");
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("checkpoint-")).count();
    }
  }

  private Process startJob(EmbeddedKafkaBroker broker, int life) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            KafkaWordCount.class.getName(),
            "--runner=MicroBatchRunner",
            "--bootstrapServers=" + broker.bootstrapServers(),
            "--inputTopic=crash-lines",
            "--outputTopic=crash-counts",
            "--groupId=crash",
            "--windowSeconds=" + WordCountTopics.WINDOW_MILLIS / 1000,
            "--parallelism=2",
            "--batchIntervalMillis=200",
            "--maxRecordsPerBatch=2000",
            // a life often dies before its first checkpoint: its reads must not count as done
            "--checkpointIntervalBatches=5",
            "--checkpointDirectory=" + work.resolve("checkpoints"));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(life)).start();
  }

  private File log(int life) {
    return work.resolve("job-" + life + ".log").toFile();
  }
}
