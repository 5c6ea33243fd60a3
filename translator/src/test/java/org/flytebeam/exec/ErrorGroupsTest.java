package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorGroupsTest {

  @Test
  void shouldGroupIdenticalMessagesByIndexRangesWhenFormatting() {
    ErrorGroups errors = new ErrorGroups();
    for (long i : new long[] {0, 1, 2, 7}) {
      errors.add(i, "ValueError: boom");
    }
    errors.add(4, "KeyError: x");

    assertThat(errors.format()).isEqualTo("[0-2][7]: ValueError: boom\n[4]: KeyError: x");
  }

  @Test
  void shouldMergeRangesFromDifferentWorkersInIndexOrder() {
    ErrorGroups a = new ErrorGroups();
    a.add(5, "boom");
    a.add(6, "boom");
    ErrorGroups b = new ErrorGroups();
    b.add(3, "boom");
    b.add(4, "boom");
    b.add(9, "boom");

    ErrorGroups merged = new ErrorGroups();
    merged.merge(a);
    merged.merge(b);

    assertThat(merged.format()).isEqualTo("[3-6][9]: boom");
    assertThat(merged.groups().get(0).count()).isEqualTo(5);
  }

  @Test
  void shouldCountMessagesBeyondTheCapWhenThereAreTooManyDistinctOnes() {
    ErrorGroups errors = new ErrorGroups();
    for (int i = 0; i < ErrorGroups.MAX_GROUPS + 5; i++) {
      errors.add(i, "error " + i);
    }

    assertThat(errors.groups()).hasSize(ErrorGroups.MAX_GROUPS);
    assertThat(errors.otherFailures()).isEqualTo(5);
    assertThat(errors.format()).endsWith("... and 5 more failures with other messages");
  }
}
