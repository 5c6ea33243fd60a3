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

  @Test
  void shouldListTheFirstRangesAndCountTheRestWhenOneMessageFailsScatteredIndices() {
    // given: every other index of 100,000 fails with one message, added by ranges of 2,048
    ErrorGroups merged = new ErrorGroups();
    for (long start = 0; start < 100_000; start += 2048) {
      ErrorGroups range = new ErrorGroups();
      for (long i = start; i < Math.min(100_000, start + 2048); i += 2) {
        range.add(i, "boom");
      }
      merged.merge(range);
    }

    // when
    ErrorGroups.Group group = merged.groups().get(0);

    // then: the first MAX_RANGES indices are listed, the other 49,000 counted
    assertThat(group.ranges()).hasSize(ErrorGroups.MAX_RANGES);
    assertThat(group.ranges().get(0)).containsExactly(0, 0);
    assertThat(group.ranges().get(ErrorGroups.MAX_RANGES - 1)).containsExactly(1998, 1998);
    assertThat(group.omitted()).isEqualTo(49_000);
    assertThat(group.count()).isEqualTo(50_000);
    assertThat(merged.format()).startsWith("[0][2][4]").endsWith("[1998] (+49000 more): boom");
  }

  @Test
  void shouldListEveryIndexOnceWhenTheSameRangeIsMergedTwice() {
    ErrorGroups range = new ErrorGroups();
    range.add(3, "boom");
    range.add(4, "boom");
    ErrorGroups merged = new ErrorGroups();

    merged.merge(range);
    merged.merge(range);

    assertThat(merged.format()).isEqualTo("[3-4]: boom");
    assertThat(merged.groups().get(0).count()).isEqualTo(2);
  }

  @Test
  void shouldKeepTheMessagesFailingFirstWhateverTheOrderOfArrival() {
    // 300 distinct messages, more than are kept, arriving in two orders as ranges do on two runners
    ErrorGroups forward = new ErrorGroups();
    ErrorGroups backward = new ErrorGroups();
    for (int i = 0; i < 300; i++) {
      ErrorGroups range = new ErrorGroups();
      range.add(7L * i, "negative: -" + 7 * i);
      forward.merge(range);
    }
    for (int i = 299; i >= 0; i--) {
      backward.add(7L * i, "negative: -" + 7 * i);
    }

    assertThat(backward.format()).isEqualTo(forward.format());
    assertThat(forward.groups()).hasSize(ErrorGroups.MAX_GROUPS);
    assertThat(forward.groups().get(0).message()).isEqualTo("negative: -0");
    assertThat(forward.groups().get(ErrorGroups.MAX_GROUPS - 1).message())
        .isEqualTo("negative: -" + 7 * (ErrorGroups.MAX_GROUPS - 1));
    assertThat(forward.otherFailures()).isEqualTo(200).isEqualTo(backward.otherFailures());
  }
}
