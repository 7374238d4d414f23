package dev.capmesh.runner.observe;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.capmesh.runner.http.HttpServer;
import java.io.PrintStream;
import org.jspecify.annotations.Nullable;

/**
 * The runner's log, set up in code rather than from a {@code logback.xml}: reading XML would
 * load a SAX parser and logback's configuration model (about 300 classes, run interpreted) at
 * every start, before the first request can be served. Found by logback through
 * {@code META-INF/services}, ahead of its own configurators.
 *
 * <ul>
 *   <li>Human-readable lines on standard error: {@value #PATTERN}. The root level is the
 *       system property {@code capmesh.log.level} (default {@code INFO}); {@code io.netty} and
 *       {@code org.graalvm} log warnings and errors only.
 *   <li>The request log ({@code dev.capmesh.runner.http.access}, one line per request) is off
 *       unless {@code capmesh.access.level} (or {@code serve --access-log}) turns it on. It goes
 *       through an asynchronous appender, so that logging never slows an event loop: under
 *       overload it drops lines rather than block.
 * </ul>
 *
 * <p>A level that is not a level name falls back to the default, with a warning on standard
 * error. An explicit {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} on the
 * class path (the test suites'), takes precedence: this then does nothing.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  /** The layout of every line. */
  public static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} %msg%n";
  /** Lines the request log may hold while standard error is slower than the requests. */
  static final int ACCESS_QUEUE = 8192;

  private final PrintStream warnings;

  /** Public, with no arguments: logback makes it through {@link java.util.ServiceLoader}. */
  public LogSetup() {
    this(System.err);
  }

  /** Warning about bad settings on {@code warnings}. */
  LogSetup(PrintStream warnings) {
    this.warnings = warnings;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Sets {@code context} up as the class comment says, whatever else is on the class path. */
  void apply(LoggerContext context) {
    setContext(context);
    var encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    var stderr = new ConsoleAppender<ILoggingEvent>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    var access = new AsyncAppender();
    access.setContext(context);
    access.setName("ACCESS");
    access.setQueueSize(ACCESS_QUEUE);
    // Never discards by level (the default drops INFO lines once the queue is 80% full) ...
    access.setDiscardingThreshold(0);
    // ... but never blocks the caller either: a full queue drops the line.
    access.setNeverBlock(true);
    access.addAppender(stderr);
    access.start();
    Logger requests = context.getLogger(HttpServer.ACCESS_LOGGER);
    requests.setLevel(level("capmesh.access.level", Level.OFF));
    requests.setAdditive(false);
    requests.addAppender(access);

    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("org.graalvm").setLevel(Level.WARN);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level("capmesh.log.level", Level.INFO));
    root.addAppender(stderr);
  }

  /** The level the system property {@code property} names, or {@code otherwise}. */
  private Level level(String property, Level otherwise) {
    @Nullable String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    // Level.toLevel answers DEBUG for a name it does not know; a typo should not turn logs up.
    Level level = Level.toLevel(value.trim(), null);
    if (level == null) {
      // Said on standard error directly: logback prints its status only when its own
      // configurators report errors.
      warnings.println("runner: warning: -D" + property + "=" + value
          + " is not a level (TRACE, DEBUG, INFO, WARN, ERROR, OFF); using " + otherwise);
      return otherwise;
    }
    return level;
  }
}
