package dev.microbatch.runner.execution.splittable;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

class RecordBudgetTest {
  @Test
  void eachRestrictionTakesAtMostItsShareAndWhatIsLeftIsSplitBetweenThoseThatWantMore() {
    RecordBudget budget = new RecordBudget(30, 3); // a share of 10
    assertThat(budget.take(10_000), equalTo(10L));
    assertThat(budget.take(1), equalTo(1L));
    assertThat(budget.take(10_000), equalTo(10L));
    budget.giveBack(0);
    // 9 left between 2 that want more: 5 (rounded up), then the 4 that remain
    assertThat(budget.takeLeft(10_000, 2), equalTo(5L));
    assertThat(budget.takeLeft(10_000, 2), equalTo(2L));
    assertThat(budget.takeLeft(10_000, 1), equalTo(2L));
    assertThat(budget.takeLeft(10_000, 1), equalTo(0L));
    assertThat(budget.used(), equalTo(30L));
  }

  @Test
  void aBudgetWithoutLimitLeavesNothingOver() {
    RecordBudget budget = RecordBudget.unlimited();
    assertThat(budget.take(10_000), equalTo(10_000L));
    assertThat(budget.takeLeft(10_000, 1), equalTo(0L));
  }
}
