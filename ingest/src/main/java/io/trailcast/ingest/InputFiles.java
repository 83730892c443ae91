package io.trailcast.ingest;

import io.trailcast.core.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The files behind {@code --input} (files, folders walked recursively, globs; any Hadoop file
 * system) and the format of each: given, or detected from its first non-blank line. Runs on the
 * driver and reads a few bytes per file.
 */
public final class InputFiles {
  private InputFiles() {
  }

  /** File URI → format, in input order. */
  public static Map<String, InputFormat> resolve(List<String> inputs, InputFormat format, Configuration hadoop) {
    Map<String, InputFormat> files = new LinkedHashMap<>();
    for (String input : inputs) {
      List<String> found = list(input, hadoop);
      if (found.isEmpty()) {
        throw new UserException("input " + input + " holds no files");
      }
      for (String file : found) {
        files.put(file, format == InputFormat.AUTO ? detect(file, hadoop) : format);
      }
    }
    return files;
  }

  /**
   * The bytes of log text {@code files} hold, a gzip file counted at {@value #GZIP_RATIO} times
   * its size (what access logs compress by): the size of an ingest, known before any Spark job.
   */
  public static long textBytes(java.util.Collection<String> files, Configuration hadoop) {
    long bytes = 0;
    for (String file : files) {
      Path path = new Path(file);
      try {
        long length = path.getFileSystem(hadoop).getFileStatus(path).getLen();
        bytes += file.endsWith(".gz") ? length * GZIP_RATIO : length;
      } catch (IOException e) {
        throw new UserException("cannot read input " + file + ": " + e.getMessage(), e);
      }
    }
    return bytes;
  }

  private static final long GZIP_RATIO = 8;

  private static List<String> list(String input, Configuration hadoop) {
    try {
      Path path = new Path(input);
      FileSystem fs = path.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new UserException("input " + input + " does not exist");
      }
      List<String> files = new ArrayList<>();
      for (FileStatus match : matches) {
        if (match.isDirectory()) {
          RemoteIterator<LocatedFileStatus> walk = fs.listFiles(match.getPath(), true);
          List<String> inDir = new ArrayList<>();
          while (walk.hasNext()) {
            LocatedFileStatus file = walk.next();
            String name = file.getPath().getName();
            if (file.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
              inDir.add(file.getPath().toString());
            }
          }
          inDir.sort(null);
          files.addAll(inDir);
        } else {
          files.add(match.getPath().toString());
        }
      }
      return files;
    } catch (IOException e) {
      throw new UserException("cannot read input " + input + ": " + e.getMessage(), e);
    }
  }

  /**
   * The format of a file from its first non-blank line (gzip or plain). A file unreadable here is
   * read as combined, and its lines quarantined one by one.
   */
  static InputFormat detect(String file, Configuration hadoop) {
    Path path = new Path(file);
    try (InputStream raw = path.getFileSystem(hadoop).open(path)) {
      LineReader lines = new LineReader(InputFileRows.decompressed(raw), 4096);
      for (int i = 0; i < 100 && lines.next(); i++) {
        String line = LineIngester.withoutBom(new String(lines.bytes(), StandardCharsets.UTF_8));
        if (!line.isBlank()) {
          return InputFormat.detect(line);
        }
      }
      return InputFormat.COMBINED;
    } catch (IOException e) {
      return InputFormat.COMBINED;
    }
  }
}
