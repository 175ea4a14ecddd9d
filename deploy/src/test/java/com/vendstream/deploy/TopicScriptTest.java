package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Compose/ops topic script must say exactly what the catalogue says, so the two cannot drift. */
class TopicScriptTest {

    @Test
    void theScriptCreatesEveryCatalogueTopicAndDeadLetterTopicWithItsPartitionsAndPolicy() throws Exception {
        String script = Files.readString(Path.of("topics/create-topics.sh"));
        Matcher m = Pattern.compile("(?m)^create (\\S+) (\\d+)(?: cleanup\\.policy=(\\w+))?$").matcher(script);
        List<String> fromScript = new java.util.ArrayList<>();
        while (m.find()) {
            fromScript.add(m.group(1) + "/" + m.group(2) + "/" + (m.group(3) == null ? "delete" : m.group(3)));
        }
        List<String> fromCatalogue = new java.util.ArrayList<>(Arrays.stream(Topics.values())
                .filter(t -> t != Topics.SCHEMAS)
                .map(t -> t.topic() + "/" + t.partitions() + "/" + t.cleanupPolicy().value()).toList());
        // Each consumer group's dead-letter topic, with the partitions of the topic it comes from.
        Arrays.stream(Topics.values()).forEach(t -> t.deadLetters()
                .forEach(dlq -> fromCatalogue.add(dlq + "/" + t.partitions() + "/delete")));
        assertThat(fromScript).containsExactlyInAnyOrderElementsOf(fromCatalogue);
    }
}
