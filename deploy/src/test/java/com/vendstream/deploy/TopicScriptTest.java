package com.vendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Compose/ops topic script must say exactly what the catalogue says, so the two cannot drift. */
class TopicScriptTest {

    @Test
    void theScriptCreatesEveryCatalogueTopicAndDeadLetterTopicWithItsPartitionsAndPolicy() throws Exception {
        String script = Files.readString(Path.of("topics/create-topics.sh"));
        Matcher m = Pattern.compile("(?m)^create (\\S+) (\\d+)((?: \\S+=\\S+)*)$").matcher(script);
        List<String> fromScript = new java.util.ArrayList<>();
        while (m.find()) {
            Map<String, String> configs = new java.util.TreeMap<>();
            for (String c : m.group(3).trim().split(" ")) {
                if (!c.isEmpty()) {
                    configs.put(c.substring(0, c.indexOf('=')), c.substring(c.indexOf('=') + 1));
                }
            }
            configs.putIfAbsent("cleanup.policy", "delete");
            fromScript.add(m.group(1) + "/" + m.group(2) + "/" + configs);
        }
        List<String> fromCatalogue = new java.util.ArrayList<>(Arrays.stream(Topics.values())
                .filter(t -> t != Topics.SCHEMAS)
                .map(t -> t.topic() + "/" + t.partitions() + "/" + new java.util.TreeMap<>(t.configs())).toList());
        // Each consumer group's dead-letter topic, with the partitions of the topic it comes from, kept until handled.
        Arrays.stream(Topics.values()).forEach(t -> t.deadLetters().forEach(dlq -> fromCatalogue.add(
                dlq + "/" + t.partitions() + "/" + new java.util.TreeMap<>(Topics.deadLetterConfigs()))));
        assertThat(fromScript).containsExactlyInAnyOrderElementsOf(fromCatalogue);
    }
}
