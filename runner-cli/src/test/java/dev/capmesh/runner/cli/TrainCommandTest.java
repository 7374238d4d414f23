package dev.capmesh.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The startup-cache workload: its answer reader, and a whole run against a real runner. */
class TrainCommandTest {

  private static InputStream answers(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void readsOneAnswerAtATimeWhateverItsFraming() throws Exception {
    InputStream in = answers("""
        HTTP/1.1 200 OK\r
        content-length: 6\r
        \r
        hello
        HTTP/1.1 200 OK\r
        Transfer-Encoding: chunked\r
        \r
        3;ext=1\r
        abc\r
        2\r
        de\r
        0\r
        trailer: x\r
        \r
        HTTP/1.1 200 OK\r
        content-length: 2\r
        \r
        ok""");
    TrainCommand.readAnswer(in);
    TrainCommand.readAnswer(in);
    TrainCommand.readAnswer(in);
    assertThat(in.read()).as("the three answers, and nothing after them").isEqualTo(-1);
  }

  @Test
  void anAnswerOtherThan200FailsTheWorkloadWithItsBody() {
    InputStream in = answers("HTTP/1.1 500 Internal Server Error\r\ncontent-length: 5\r\n\r\noops!");
    assertThatThrownBy(() -> TrainCommand.readAnswer(in))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("500 Internal Server Error")
        .hasMessageContaining("oops!");
  }

  @Test
  void aConnectionClosedMidAnswerIsAnError() {
    assertThatThrownBy(() -> TrainCommand.readAnswer(answers("HTTP/1.1 200 OK\r\ncontent-le")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed the connection");
  }

  @Test
  void theWorkloadServesItsConfigAndGetsAnswers() {
    var out = new StringWriter();
    var err = new StringWriter();
    int code = new RunnerMain(new PrintWriter(out), new PrintWriter(err), new ByteArrayOutputStream(), false)
        .run(new String[] {"train-startup-cache", "--seconds", "1"});
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("workload sent [1-9][0-9]* requests");
  }
}
