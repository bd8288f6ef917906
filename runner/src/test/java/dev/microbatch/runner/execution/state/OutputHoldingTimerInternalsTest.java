package dev.microbatch.runner.execution.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class OutputHoldingTimerInternalsTest {
  private static final TimeDomain[] DOMAINS = TimeDomain.values();

  @Test
  @SuppressWarnings("deprecation")
  void nextTimerOfEachDomainIsBeamsAnswerThroughSetsDeletesAndFirings() throws Exception {
    Random random = new Random(5);
    InMemoryTimerInternals beams = new InMemoryTimerInternals();
    OutputHoldingTimerInternals ours = new OutputHoldingTimerInternals();
    long now = 0;
    for (int step = 0; step < 20_000; step++) {
      StateNamespace namespace =
          StateNamespaces.window(
              IntervalWindow.getCoder(),
              new IntervalWindow(new Instant(random.nextInt(3)), new Instant(100)));
      String id = "timer" + random.nextInt(4);
      // a timer keeps its domain: Beam refuses to set one id again in another
      TimeDomain domain = DOMAINS[Math.floorMod(id.hashCode(), DOMAINS.length)];
      switch (random.nextInt(6)) {
        case 0, 1 -> {
          Instant at = new Instant(now + random.nextInt(50));
          TimerData timer = TimerData.of(id, "", namespace, at, at, domain);
          beams.setTimer(timer);
          ours.setTimer(timer);
        }
        case 2 -> {
          beams.deleteTimer(namespace, id, "", domain);
          ours.deleteTimer(namespace, id, "", domain);
        }
        case 3 -> {
          beams.deleteTimer(namespace, id, "");
          ours.deleteTimer(namespace, id, "");
        }
        default -> {
          now += random.nextInt(20);
          Instant time = new Instant(now);
          for (InMemoryTimerInternals timers : new InMemoryTimerInternals[] {beams, ours}) {
            timers.advanceInputWatermark(time);
            timers.advanceProcessingTime(time);
            timers.advanceSynchronizedProcessingTime(time);
          }
          assertEquals(beams.removeNextEventTimer(), ours.removeNextEventTimer());
          assertEquals(beams.removeNextProcessingTimer(), ours.removeNextProcessingTimer());
          assertEquals(
              beams.removeNextSynchronizedProcessingTimer(),
              ours.removeNextSynchronizedProcessingTimer());
        }
      }
      for (TimeDomain each : DOMAINS) {
        assertEquals(beams.getNextTimer(each), ours.getNextTimer(each), "step " + step);
      }
    }
  }
}
