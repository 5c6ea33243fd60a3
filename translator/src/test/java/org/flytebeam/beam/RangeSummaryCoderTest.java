package org.flytebeam.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.SerializableUtils;
import org.flytebeam.cache.CacheCounts;
import org.flytebeam.exec.ErrorGroups;
import org.flytebeam.exec.NodeCounts;
import org.junit.jupiter.api.Test;

class RangeSummaryCoderTest {
  private static final RangeSummaryCoder CODER = RangeSummaryCoder.of();

  private static RangeSummary summary(ErrorGroups errors, CacheCounts cache, NodeCounts nodes) {
    return new RangeSummary(new IndexRange(4096, 6144), 2040, 5, 2, 1, 2061, errors, cache, nodes);
  }

  @Test
  void shouldGiveBackEveryCountOfARangeWithoutFailures() throws Exception {
    RangeSummary s = summary(new ErrorGroups(), CacheCounts.none(), NodeCounts.none());

    CoderProperties.coderDecodeEncodeEqual(CODER, s);
    RangeSummary back = CoderUtils.clone(CODER, s);
    assertThat(back).isEqualTo(s);
    assertThat(back.errors().isEmpty()).isTrue();
  }

  @Test
  void shouldGiveBackFailuresCacheProblemsAndNodeCounts() throws Exception {
    ErrorGroups errors = new ErrorGroups();
    errors.add(4100, "ValueError: bad input 7", "Traceback ...\n  line 3");
    errors.add(4101, "ValueError: bad input 8", "");
    errors.add(5000, "TimeoutError: attempt timed out after 1s");
    CacheCounts cache = new CacheCounts(17, 2, 1, "entry [x/y] is truncated: ünïcode ✓");
    NodeCounts nodes = new NodeCounts(6183, 6170, 13, 40);
    RangeSummary s = summary(errors, cache, nodes);

    CoderProperties.coderDecodeEncodeEqual(CODER, s);
    RangeSummary back = CoderUtils.clone(CODER, s);
    assertThat(back.errors()).isEqualTo(errors);
    assertThat(back.errors().groups())
        .extracting(ErrorGroups.Group::indexRanges)
        .containsExactly("[4100-4101]", "[5000]");
    assertThat(back.errors().format()).isEqualTo(errors.format());
    assertThat(back.cache()).isEqualTo(cache);
    assertThat(back.nodes()).isEqualTo(nodes);
  }

  @Test
  void shouldKeepARangeSummaryWithoutErrorGroupsAsItIs() throws Exception {
    RangeSummary s =
        new RangeSummary(
            new IndexRange(0, Long.MAX_VALUE),
            Long.MAX_VALUE,
            0,
            0,
            0,
            Long.MAX_VALUE,
            null,
            CacheCounts.none(),
            NodeCounts.none());

    assertThat(CoderUtils.clone(CODER, s)).isEqualTo(s);
  }

  @Test
  void shouldRefuseBytesThatAreNotAWholeSummary() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CODER.encode(summary(new ErrorGroups(), CacheCounts.none(), NodeCounts.none()), out);
    byte[] whole = out.toByteArray();

    byte[] truncated = Arrays.copyOf(whole, whole.length - 3);
    assertThatThrownBy(() -> CODER.decode(new ByteArrayInputStream(truncated)))
        .isInstanceOf(IOException.class);
    byte[] badMark = whole.clone();
    badMark[badMark.length - 1] = 9;
    assertThatThrownBy(() -> CODER.decode(new ByteArrayInputStream(badMark)))
        .isInstanceOf(CoderException.class)
        .hasMessageContaining("failures marked [9]");
    // a range that ends before it starts
    byte[] backwards = {4, 2};
    assertThatThrownBy(() -> CODER.decode(new ByteArrayInputStream(backwards)))
        .isInstanceOf(CoderException.class)
        .hasMessageContaining("bad range");
  }

  @Test
  void shouldStayOneCoderAfterSerialization() {
    assertThat(SerializableUtils.clone(CODER)).isSameAs(CODER);
  }
}
