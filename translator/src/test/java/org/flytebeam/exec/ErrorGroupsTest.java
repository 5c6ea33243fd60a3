package org.flytebeam.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
      errors.add(i, "error " + word(i));
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
      range.add(7L * i, "negative: " + word(7 * i));
      forward.merge(range);
    }
    for (int i = 299; i >= 0; i--) {
      backward.add(7L * i, "negative: " + word(7 * i));
    }

    assertThat(backward.format()).isEqualTo(forward.format());
    assertThat(forward.groups()).hasSize(ErrorGroups.MAX_GROUPS);
    assertThat(forward.groups().get(0).message()).isEqualTo("negative: " + word(0));
    assertThat(forward.groups().get(ErrorGroups.MAX_GROUPS - 1).message())
        .isEqualTo("negative: " + word(7 * (ErrorGroups.MAX_GROUPS - 1)));
    assertThat(forward.otherFailures()).isEqualTo(200).isEqualTo(backward.otherFailures());
  }

  /** A word of letters for {@code n}: messages that differ in more than a number. */
  private static String word(int n) {
    StringBuilder w = new StringBuilder();
    do {
      w.append((char) ('a' + n % 26));
      n /= 26;
    } while (n > 0);
    return w.toString();
  }

  @Test
  void shouldMakeOneGroupWithExamplesWhenMessagesDifferOnlyInNumbers() {
    // given: 17 failures "bad input 7", "bad input 14", ... as a task raising with its input
    ErrorGroups errors = new ErrorGroups();
    for (int k = 1; k <= 17; k++) {
      errors.add(7L * k, "ValueError: bad input " + 7 * k, k == 1 ? "trace of 7" : "");
    }

    // when
    List<ErrorGroups.Group> groups = errors.groups();

    // then: one group, shown by its pattern, with the first examples as they were
    assertThat(groups).hasSize(1);
    ErrorGroups.Group group = groups.get(0);
    assertThat(group.message()).isEqualTo("ValueError: bad input <n>");
    assertThat(group.varied()).isTrue();
    assertThat(group.type()).isEqualTo("ValueError");
    assertThat(group.count()).isEqualTo(17);
    assertThat(group.examples())
        .extracting(ErrorGroups.Example::message)
        .containsExactly(
            "ValueError: bad input 7", "ValueError: bad input 14", "ValueError: bad input 21");
    assertThat(group.examples().get(0).stackTrace()).isEqualTo("trace of 7");
    assertThat(errors.format()).startsWith("[7][14][21]").endsWith(": ValueError: bad input <n>");
  }

  @Test
  void shouldKeepTheMessageItselfWhenEveryFailureOfAGroupHadTheSameText() {
    ErrorGroups errors = new ErrorGroups();
    errors.add(1, "ValueError: element 1 is not allowed");
    errors.add(2, "ValueError: element 1 is not allowed");

    assertThat(errors.format()).isEqualTo("[1-2]: ValueError: element 1 is not allowed");
    assertThat(errors.groups().get(0).varied()).isFalse();
  }

  @Test
  void shouldKeepGroupsApartWhenTheExceptionTypesDiffer() {
    ErrorGroups errors = new ErrorGroups();
    errors.add(0, "ValueError: bad input 7");
    errors.add(1, "KeyError: bad input 8");
    errors.add(2, "ValueError: bad input 9");

    assertThat(errors.groups())
        .extracting(ErrorGroups.Group::message)
        .containsExactly("ValueError: bad input <n>", "KeyError: bad input 8");
  }

  @Test
  void shouldAbstractQuotedValuesPathsIdsAndNumbersWhenMakingAPattern() {
    assertThat(ErrorGroups.pattern("KeyError: 'user_17' in /data/run-3/a.csv line 7"))
        .isEqualTo("KeyError: '<s>' in <path> line <n>");
    assertThat(ErrorGroups.pattern("IOError: cannot open s3://bucket/x/part-0001.jsonl: denied"))
        .isEqualTo("IOError: cannot open <path>: denied");
    assertThat(
            ErrorGroups.pattern(
                "Failure: object 0x7ffd3a2c, run 3f2a9c1e-0b4d-4e8f-9a6b-1c2d3e4f5a6b, sha"
                    + " 9f86d081884c7d65 took 1.5s"))
        .isEqualTo("Failure: object <id>, run <id>, sha <id> took <n>s");
    assertThat(ErrorGroups.pattern("ValueError: min [1.5] of \"abc\" is int64"))
        .isEqualTo("ValueError: min [<v>] of \"<s>\" is int64");
    // The type stays as it is, also with digits in it; plain words stay too.
    assertThat(ErrorGroups.pattern("Http2Exception: can't read stream 5"))
        .isEqualTo("Http2Exception: can't read stream <n>");
  }

  @Test
  void shouldKeepTheSameExamplesWhateverTheOrderOfArrival() {
    ErrorGroups forward = new ErrorGroups();
    ErrorGroups backward = new ErrorGroups();
    for (int i = 0; i < 50; i++) {
      ErrorGroups range = new ErrorGroups();
      range.add(i, "boom " + i, "trace " + i);
      forward.merge(range);
    }
    for (int i = 49; i >= 0; i--) {
      ErrorGroups range = new ErrorGroups();
      range.add(i, "boom " + i, "trace " + i);
      backward.merge(range);
    }

    assertThat(backward.groups().get(0).examples())
        .isEqualTo(forward.groups().get(0).examples())
        .extracting(ErrorGroups.Example::index)
        .containsExactly(0L, 1L, 2L);
  }
}
