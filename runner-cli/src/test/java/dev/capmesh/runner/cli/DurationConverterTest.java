package dev.capmesh.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test void readsMillisecondsSecondsAndMinutes() {
    assertThat(converter.convert("200ms")).isEqualTo(Duration.ofMillis(200));
    assertThat(converter.convert("250")).isEqualTo(Duration.ofMillis(250));
    assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(converter.convert(" 2m ")).isEqualTo(Duration.ofMinutes(2));
  }

  @Test void refusesWhatIsNotAPositiveBoundedDuration() {
    assertThatThrownBy(() -> converter.convert("fast")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'fast' is not a duration (write it like 200ms, 1.5s or 2m)");
    assertThatThrownBy(() -> converter.convert("-5ms")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> converter.convert("0.5ms")).hasMessage("'0.5ms' is too short (the least is 1ms)");
    assertThatThrownBy(() -> converter.convert("2000m")).hasMessage("'2000m' is too long (the most is 24 hours)");
  }
}
