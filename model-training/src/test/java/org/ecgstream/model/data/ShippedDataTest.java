package org.ecgstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedDataTest {
  @AfterEach
  void clearHome() {
    System.clearProperty("ecg.home");
  }

  @Test
  void findsTheShippedArchiveFromAModuleDirectory() {
    assertThat(ShippedData.ecg5000()).allSatisfy(p -> assertThat(p).isRegularFile());
  }

  @Test
  void prefersTheCheckoutTheLauncherNamesAndSaysWhereItLooked(@TempDir Path home) throws IOException {
    Path relative = Path.of("probe-" + UUID.randomUUID(), "file.txt");
    assertThatThrownBy(() -> ShippedData.find(relative)).isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("not found in").hasMessageNotContaining(" nor in ");

    System.setProperty("ecg.home", home.toString());
    assertThatThrownBy(() -> ShippedData.find(relative)).hasMessageContaining(" nor in " + home);
    Files.createDirectories(home.resolve(relative).getParent());
    Files.writeString(home.resolve(relative), "x");
    assertThat(ShippedData.find(relative)).isEqualTo(home.resolve(relative));

    // Where both have it, the named checkout wins over the working directory's.
    Path shipped = Path.of("data", "ecg5000", "ECG5000_TRAIN.txt.gz");
    Files.createDirectories(home.resolve(shipped).getParent());
    Files.writeString(home.resolve(shipped), "x");
    assertThat(ShippedData.find(shipped)).isEqualTo(home.resolve(shipped));
  }
}
