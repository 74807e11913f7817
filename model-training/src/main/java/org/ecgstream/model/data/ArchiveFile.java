package org.ecgstream.model.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * Opens an archive file as text, transparently un-gzipping {@code *.gz}, and hashes the
 * uncompressed bytes so that {@code x.txt} and {@code x.txt.gz} give the same dataset hash.
 */
final class ArchiveFile implements AutoCloseable {
  private final Path path;
  private final MessageDigest digest;
  private final BufferedReader reader;
  private long lineNumber;

  private ArchiveFile(Path path, MessageDigest digest, BufferedReader reader) {
    this.path = path;
    this.digest = digest;
    this.reader = reader;
  }

  static ArchiveFile open(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new DatasetFormatException(path, 0, "no such file");
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      InputStream raw = Files.newInputStream(path);
      InputStream in = isGzip(path) ? new GZIPInputStream(raw, 1 << 16) : raw;
      BufferedReader reader = new BufferedReader(
          new InputStreamReader(new DigestInputStream(in, sha), StandardCharsets.UTF_8), 1 << 16);
      return new ArchiveFile(path, sha, reader);
    } catch (NoSuchFileException e) {
      throw new DatasetFormatException(path, 0, "no such file");
    } catch (IOException e) {
      throw new DatasetFormatException(path, 0, "cannot open: " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The format name of a file: its extension with any {@code .gz} removed. */
  static String extension(Path path) {
    String name = path.getFileName().toString().toLowerCase();
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1);
  }

  private static boolean isGzip(Path path) {
    return path.getFileName().toString().toLowerCase().endsWith(".gz");
  }

  Path path() {
    return path;
  }

  /** The next line, or null at the end. */
  String nextLine() {
    try {
      String line = reader.readLine();
      if (line != null) {
        lineNumber++;
      }
      return line;
    } catch (IOException e) {
      throw new DatasetFormatException(path, lineNumber + 1, "cannot read: " + e.getMessage());
    }
  }

  long lineNumber() {
    return lineNumber;
  }

  DatasetFormatException error(String reason) {
    return new DatasetFormatException(path, lineNumber, reason);
  }

  /** Parses one numeric field; NaN and infinities are rejected because no model can score them. */
  float number(String field, String what) {
    float v;
    try {
      v = Float.parseFloat(field);
    } catch (NumberFormatException e) {
      throw error(what + " is not a number: '" + abbreviate(field) + "'");
    }
    if (!Float.isFinite(v)) {
      throw error(what + " is not finite: '" + abbreviate(field) + "'");
    }
    return v;
  }

  /** Hex SHA-256 of everything read so far; call after reading to the end. */
  String sha256() {
    try {
      // Drain anything unread so the hash always covers the whole file.
      char[] buf = new char[8192];
      while (reader.read(buf) >= 0) {
        // discard
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String abbreviate(String s) {
    return s.length() <= 24 ? s : s.substring(0, 21) + "...";
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
