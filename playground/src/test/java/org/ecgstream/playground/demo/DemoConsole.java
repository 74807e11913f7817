package org.ecgstream.playground.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the demo's command line in this JVM and keeps what it printed, for the demo tests. */
record DemoConsole(int exitCode, String output) {
  static DemoConsole run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = EmbeddedDemo.commandLine().execute(args);
      return new DemoConsole(code, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }
}
