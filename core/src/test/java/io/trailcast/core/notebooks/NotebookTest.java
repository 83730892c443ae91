package io.trailcast.core.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailcast.core.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotebookTest {
  @TempDir
  Path tmp;

  private Path file(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text);
  }

  @Test
  void statementsCarryTheCommentAboveThemAndParametersAreFilledIn() throws IOException {
    Notebook notebook = Notebook.load(file("n.cql", """
        -- A header that titles nothing.
        -- @param segment theme:music
        -- @param person

        -- Sizes of one segment,
        -- newest first.
        SELECT day, members FROM ${keyspace}.segment_sizes
        WHERE segment = '${segment}' LIMIT 5;

        -- One person.
        SELECT * FROM ${keyspace}.segments_by_person WHERE person_id = '${person}';
        """));
    assertEquals(Notebook.Language.CQL, notebook.language());
    assertEquals(2, notebook.cells().size());
    Notebook.Cell sizes = notebook.cells().get(0);
    assertEquals("Sizes of one segment, newest first.", sizes.title());
    assertEquals("SELECT day, members FROM ks.segment_sizes\nWHERE segment = 'theme:music' LIMIT 5",
        notebook.bind(sizes, "ks", Map.of()));
    assertEquals("SELECT day, members FROM ks.segment_sizes\nWHERE segment = 'theme:cooking' LIMIT 5",
        notebook.bind(sizes, "ks", Map.of("segment", "theme:cooking")));
    assertEquals(Set.of("person"), notebook.required());
    Notebook.Cell person = notebook.cells().get(1);
    UserException missing = assertThrows(UserException.class, () -> notebook.bind(person, "ks", Map.of()));
    assertTrue(missing.getMessage().contains("--set person=VALUE"), missing.getMessage());
    assertThrows(UserException.class, () -> notebook.bind(person, "ks", Map.of("person", "x' OR 'a'='a")),
        "a quote would change the statement");
  }

  @Test
  void aBrokenNotebookSaysWhatIsWrongInOneLine() throws IOException {
    Path undeclared = file("u.sql", "SELECT * FROM cassandra.${keyspace}.t WHERE d = '${day}';\n");
    assertTrue(assertThrows(UserException.class, () -> Notebook.load(undeclared)).getMessage()
        .contains("not declared with -- @param: [day]"));
    Path unfinished = file("f.sql", "SELECT 1;\nSELECT 2\n");
    assertTrue(assertThrows(UserException.class, () -> Notebook.load(unfinished)).getMessage()
        .contains("does not end with ';'"));
    Path other = file("n.txt", "SELECT 1;\n");
    assertThrows(UserException.class, () -> Notebook.load(other));
  }
}
