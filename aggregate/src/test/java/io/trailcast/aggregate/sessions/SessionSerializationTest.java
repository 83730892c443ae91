package io.trailcast.aggregate.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A streaming job's state saved before {@link Session#botRule} existed reads back: the checkpoint holds
 * sessions by Java serialization, which matches a record's fields by name.
 */
class SessionSerializationTest {
  /** Session as it was before its bot rule: its fields, in its package. */
  record Sessio0(String userId, String site, String sessionId, long start, long end, String endReason,
      String landingPage, String exitPage, int depth, int events, boolean bounced, boolean engaged, int searches,
      int searchesWithClick, int clicks, boolean converted, boolean bot, String campaign, boolean searchExit,
      LocalDate day, List<Session.SearchOutcome> searchOutcomes) implements java.io.Serializable {
  }

  @Test
  void aSessionSavedBeforeItsBotRuleReadsBackWithoutOne() throws IOException, ClassNotFoundException {
    Sessio0 old = new Sessio0("u1", "default", "u1-1", 1_000, 61_000, "timeout", "https://a/x", "https://a/y", 2, 3,
        false, true, 1, 1, 1, false, true, null, false, LocalDate.of(2026, 1, 5),
        List.of(new Session.SearchOutcome("jazz", 1, false)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(old);
    }
    // The saved class name, as the old code wrote it: the nested test record's name is that of Session.
    byte[] saved = replace(bytes.toByteArray(), "SessionSerializationTest$Sessio0", "Session");
    Session read;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(saved))) {
      read = (Session) in.readObject();
    }
    assertEquals(new Session("u1", "default", "u1-1", 1_000, 61_000, "timeout", "https://a/x", "https://a/y", 2, 3,
        false, true, 1, 1, 1, false, true, null, false, LocalDate.of(2026, 1, 5),
        List.of(new Session.SearchOutcome("jazz", 1, false)), null, null), read);
    assertNull(read.botRule(), "a bot session of an old state has no rule: counted under none");
    assertNull(read.channel(), "nor a channel");
  }

  /** The serialized class name {@code from} (a length-prefixed UTF string) rewritten as {@code to}. */
  private static byte[] replace(byte[] stream, String from, String to) {
    byte[] needle = utf(from);
    for (int i = 0; i + needle.length <= stream.length; i++) {
      if (java.util.Arrays.equals(stream, i, i + needle.length, needle, 0, needle.length)) {
        byte[] replacement = utf(to);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(stream, 0, i);
        out.writeBytes(replacement);
        out.write(stream, i + needle.length, stream.length - i - needle.length);
        return out.toByteArray();
      }
    }
    throw new AssertionError("class name not found in the stream");
  }

  private static byte[] utf(String className) {
    byte[] name = ("io.trailcast.aggregate.sessions." + className).getBytes(StandardCharsets.UTF_8);
    byte[] prefixed = new byte[name.length + 2];
    prefixed[0] = (byte) (name.length >> 8);
    prefixed[1] = (byte) name.length;
    System.arraycopy(name, 0, prefixed, 2, name.length);
    return prefixed;
  }
}
