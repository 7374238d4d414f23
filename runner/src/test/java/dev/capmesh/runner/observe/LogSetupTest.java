package dev.capmesh.runner.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.capmesh.runner.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogSetupTest {
  private final LoggerContext context = new LoggerContext();
  private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();

  @AfterEach
  void clear() {
    System.clearProperty("capmesh.log.level");
    System.clearProperty("capmesh.access.level");
    context.stop();
  }

  private void apply() {
    new LogSetup(new PrintStream(warnings, true, StandardCharsets.UTF_8)).apply(context);
  }

  @Test
  void logbackFindsItAsAService() {
    assertThat(ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class).stream()
        .map(p -> p.type().getName())).contains(LogSetup.class.getName());
  }

  @Test
  void linesOnStandardErrorRequestLogOffThroughAQueueThatNeverBlocks() {
    apply();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    var stderr = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
    assertThat(stderr.isStarted()).isTrue();
    assertThat(stderr.getTarget()).isEqualTo("System.err");

    var event = new LoggingEvent("x", context.getLogger("dev.capmesh.runner.Runner"), Level.WARN,
        "event=plan-applied version={}", null, new Object[] {"abc"});
    String line = new String(stderr.getEncoder().encode(event), StandardCharsets.UTF_8);
    assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  Runner event=plan-applied version=abc\\R");
    assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo(LogSetup.PATTERN);

    Logger requests = context.getLogger(HttpServer.ACCESS_LOGGER);
    assertThat(requests.getLevel()).isEqualTo(Level.OFF);
    assertThat(requests.isAdditive()).isFalse();
    var queue = (AsyncAppender) requests.getAppender("ACCESS");
    assertThat(queue.isStarted()).isTrue();
    assertThat(queue.isNeverBlock()).isTrue();
    assertThat(queue.getDiscardingThreshold()).isZero();
    assertThat(queue.getQueueSize()).isEqualTo(8192);
    assertThat(queue.getAppender("STDERR")).isSameAs(stderr);

    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("org.graalvm").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.netty.channel").isInfoEnabled()).isFalse();
    assertThat(context.getLogger("dev.capmesh.runner.js").isInfoEnabled()).isTrue();
    assertThat(warnings.size()).isZero();
  }

  @Test
  void levelsFromSystemProperties() {
    System.setProperty("capmesh.log.level", " debug ");
    System.setProperty("capmesh.access.level", "INFO");
    apply();
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
    assertThat(context.getLogger(HttpServer.ACCESS_LOGGER).isInfoEnabled()).isTrue();
    assertThat(warnings.size()).isZero();
  }

  @Test
  void aNameThatIsNoLevelKeepsTheDefaultAndSaysSo() {
    // logback's own reading would turn a typo into DEBUG.
    System.setProperty("capmesh.log.level", "verbose");
    System.setProperty("capmesh.access.level", "on");
    apply();
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger(HttpServer.ACCESS_LOGGER).getLevel()).isEqualTo(Level.OFF);
    assertThat(warnings.toString(StandardCharsets.UTF_8))
        .contains("-Dcapmesh.log.level=verbose is not a level")
        .contains("-Dcapmesh.access.level=on is not a level");
  }

  @Test
  void aLogbackFileGivenOrOnTheClassPathComesFirst() {
    // This module's tests have a logback-test.xml on the class path.
    assertThat(LogSetup.class.getClassLoader().getResource("logback-test.xml")).isNotNull();
    assertThat(new LogSetup().configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
  }
}
