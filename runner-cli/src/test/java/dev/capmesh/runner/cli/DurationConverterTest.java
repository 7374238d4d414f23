package dev.capmesh.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {
  @Test void readsMillisecondsSecondsAndMinutes() {
    assertThat(DurationConverter.convert("200ms")).isEqualTo(Duration.ofMillis(200));
    assertThat(DurationConverter.convert("250")).isEqualTo(Duration.ofMillis(250));
    assertThat(DurationConverter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationConverter.convert(" 2m ")).isEqualTo(Duration.ofMinutes(2));
  }

  @Test void refusesWhatIsNotAPositiveBoundedDuration() {
    assertThatThrownBy(() -> DurationConverter.convert("fast")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'fast' is not a duration (write it like 200ms, 1.5s or 2m)");
    assertThatThrownBy(() -> DurationConverter.convert("-5ms")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DurationConverter.convert("0.5ms")).hasMessage("'0.5ms' is too short (the least is 1ms)");
    assertThatThrownBy(() -> DurationConverter.convert("2000m")).hasMessage("'2000m' is too long (the most is 24 hours)");
  }
}
