package org.flytebeam.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SuccessCriteriaTest {

  @Test
  void shouldRequireEveryElementWhenNothingIsSet() {
    assertThat(SuccessCriteria.requiredSuccesses(7, OptionalLong.empty(), Optional.empty()))
        .isEqualTo(7);
  }

  @Test
  void shouldRoundTheRatioAsFloat32WhenComputingTheThreshold() {
    // float32(0.2) is 0.20000000298..., so 5 elements need 2 successes, not 1.
    assertThat(SuccessCriteria.requiredSuccesses(5, OptionalLong.empty(), Optional.of(0.2f)))
        .isEqualTo(2);
    assertThat(SuccessCriteria.requiredSuccesses(4, OptionalLong.empty(), Optional.of(0.75f)))
        .isEqualTo(3);
    assertThat(SuccessCriteria.requiredSuccesses(4, OptionalLong.empty(), Optional.of(0.5f)))
        .isEqualTo(2);
  }

  @Test
  void shouldRequireNoneWhenTheRatioIsZero() {
    assertThat(SuccessCriteria.requiredSuccesses(4, OptionalLong.empty(), Optional.of(0f)))
        .isZero();
  }

  @Test
  void shouldLetMinSuccessesWinOverTheRatio() {
    assertThat(SuccessCriteria.requiredSuccesses(4, OptionalLong.of(1), Optional.of(1f)))
        .isEqualTo(1);
  }
}
