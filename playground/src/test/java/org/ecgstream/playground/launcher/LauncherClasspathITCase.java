package org.ecgstream.playground.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ecgstream.model.data.ShippedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/ecg runs its tools on the classpath this module's build writes (after {@code package}). Every
 * class the launcher names must load from it, and a model tool that draws plots must run on it:
 * a library the model library keeps optional (the plots) is missing there unless named here.
 */
class LauncherClasspathITCase {
  static final Path ROOT = ShippedData.find(Path.of("bin", "ecg")).getParent().getParent();
  static final Path CLASSPATH_FILE = ROOT.resolve("playground/target/launcher-classpath.txt");

  static String classpath() throws IOException {
    assertThat(CLASSPATH_FILE).as("written by the package phase").exists();
    return ROOT.resolve("playground/target/classes") + File.pathSeparator + Files.readString(CLASSPATH_FILE).trim();
  }

  /** The main classes bin/ecg runs, read from the script itself. */
  static List<String> launcherMainClasses() throws IOException {
    Matcher m = Pattern.compile("run_java (org\\.ecgstream\\.[\\w.]+)").matcher(Files.readString(ROOT.resolve("bin/ecg")));
    List<String> classes = new ArrayList<>();
    while (m.find()) {
      classes.add(m.group(1));
    }
    return classes;
  }

  @Test
  void everyClassTheLauncherRunsLoadsFromItsClasspath() throws Exception {
    List<String> mains = launcherMainClasses();
    assertThat(mains).contains("org.ecgstream.playground.demo.EmbeddedDemo", "org.ecgstream.model.cli.ModelCli",
        "org.ecgstream.job.replay.ReplayTool", "org.ecgstream.job.tail.TopicTail");
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath().split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    // No parent but the platform's: only what the launcher's classpath holds can be found.
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      for (String main : mains) {
        assertThat(Class.forName(main, false, loader)).as(main).isNotNull();
      }
      assertThat(Class.forName("org.knowm.xchart.BitmapEncoder", false, loader)).isNotNull();
    }
  }

  @Test
  void evaluateWritesItsReportWithPlotsOnTheLaunchersClasspath(@TempDir Path report) throws Exception {
    Path model = ROOT.resolve("model-training/models/ecg5000-autoencoder.zip");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", classpath(), "org.ecgstream.model.cli.ModelCli", "evaluate", "--model", model.toString(),
        "--report", report.toString())
        .redirectErrorStream(true).redirectOutput(report.resolveSibling(report.getFileName() + ".log").toFile())
        .start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("evaluate finished").isTrue();
    String log = Files.readString(report.resolveSibling(report.getFileName() + ".log"));
    assertThat(p.exitValue()).as(log).isZero();
    assertThat(report.resolve("report.md")).exists();
    try (var files = Files.list(report)) {
      assertThat(files.filter(f -> f.toString().endsWith(".png"))).isNotEmpty();
    }
  }
}
