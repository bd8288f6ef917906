package dev.microbatch.engine.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.microbatch.engine.stream.MicroBatchInfo;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointerTest {
  @TempDir Path dir;

  /** A part whose state is a string, as the job last set it. */
  private static final class Part implements CheckpointedState {
    private String state;

    Part(String state) {
      this.state = state;
    }

    @Override
    public byte[] snapshot(long batchTime) {
      return (state + " after " + batchTime).getBytes(UTF_8);
    }

    @Override
    public void restore(byte[] snapshot) {
      state = new String(snapshot, UTF_8);
    }
  }

  private static MicroBatchInfo batch(long time) {
    return new MicroBatchInfo(time, Map.of(), time, time, time, Long.MAX_VALUE, Map.of(), 0);
  }

  @Test
  void everyNthCompletedBatchIsCheckpointedAndARestartRestoresEveryPartFromTheLatest() {
    Checkpointer job = new Checkpointer(new CheckpointStore(dir, 3), "job", 2);
    Part offsets = new Part("offset 7");
    Part counts = new Part("a=1");
    job.register("offsets", offsets);
    job.register("counts", counts);
    assertThat(job.restore(), equalTo(Optional.empty()));
    job.onBatchCompleted(batch(100));
    job.onBatchCompleted(batch(200));
    offsets.state = "offset 9";
    job.onBatchCompleted(batch(300));

    Checkpointer restarted = new Checkpointer(new CheckpointStore(dir, 3), "job", 2);
    Part restoredOffsets = new Part("offset 0");
    Part restoredCounts = new Part("");
    restarted.register("offsets", restoredOffsets);
    restarted.register("counts", restoredCounts);

    assertThat(restarted.restore(), equalTo(Optional.of(200L)));
    assertThat(restoredOffsets.state, equalTo("offset 7 after 200"));
    assertThat(restoredCounts.state, equalTo("a=1 after 200"));
  }

  @Test
  void aCheckpointWithOtherPartsThanTheJobIsRefusedNamingTheDirectoryAndTheParts() {
    Checkpointer job = new Checkpointer(new CheckpointStore(dir, 3), "job", 1);
    job.register("offsets", new Part("offset 7"));
    job.onBatchCompleted(batch(100));

    Checkpointer other = new Checkpointer(new CheckpointStore(dir, 3), "job", 1);
    other.register("offsets", new Part(""));
    other.register("counts", new Part(""));
    CheckpointException e = assertThrows(CheckpointException.class, other::restore);
    assertThat(e.getMessage(), containsString(dir.toString()));
    assertThat(e.getMessage(), containsString("[offsets] but this pipeline has [counts, offsets]"));
  }

  @Test
  void aPartThatCannotBeRestoredFailsNamingItAndTheDirectory() {
    Checkpointer job = new Checkpointer(new CheckpointStore(dir, 3), "job", 1);
    job.register("counts", new Part("a=1"));
    job.onBatchCompleted(batch(100));

    Checkpointer restarted = new Checkpointer(new CheckpointStore(dir, 3), "job", 1);
    restarted.register(
        "counts",
        new CheckpointedState() {
          @Override
          public byte[] snapshot(long batchTime) {
            return new byte[0];
          }

          @Override
          public void restore(byte[] snapshot) {
            throw new IllegalStateException("not a count");
          }
        });
    CheckpointException e = assertThrows(CheckpointException.class, restarted::restore);
    assertThat(e.getMessage(), containsString(dir.toString()));
    assertThat(e.getMessage(), containsString("the state of counts cannot be restored"));
  }
}
