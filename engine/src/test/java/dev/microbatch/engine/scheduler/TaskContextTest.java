package dev.microbatch.engine.scheduler;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;

import dev.microbatch.engine.dataset.Dataset;
import dev.microbatch.engine.dataset.EngineContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskContextTest {

  @Test
  void theTasksOfOneRunOfAStageShareWhatTheFirstMadeAndTheNextRunMakesItsOwn() {
    EngineContext engine = new EngineContext(2);
    Object key = new Object();
    Dataset<Object> shared =
        engine.generate(
            2, (partition, task) -> List.of(task.sharedInStage(key, Object::new)).iterator());

    List<Object> first = shared.collect();
    List<Object> second = shared.collect();

    assertThat(first, hasSize(2));
    assertThat(first.get(1), sameInstance(first.get(0)));
    assertThat(second.get(1), sameInstance(second.get(0)));
    assertThat(second.get(0), not(sameInstance(first.get(0))));
  }
}
