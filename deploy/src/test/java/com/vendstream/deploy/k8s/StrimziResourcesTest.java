package com.vendstream.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checked-in KafkaTopics, KafkaUsers, ScaledObjects and production client patches are what the catalogue
 * generates today: after a change to {@code Topics}, run {@code StrimziResources} (deploy/README.md says how).
 */
class StrimziResourcesTest {

    @Test
    void theCheckedInFilesAreAFreshGenerationFromTheCatalogue() throws Exception {
        Map<String, String> files = StrimziResources.files();
        assertThat(files).containsKeys("deploy/k8s/base/kafka/topics.yaml", "deploy/k8s/base/kafka/users.yaml");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path checkedIn = Rendered.REPOSITORY.resolve(file.getKey());
            assertThat(checkedIn).as(file.getKey() + " (run com.vendstream.deploy.k8s.StrimziResources)").exists();
            assertThat(Files.readString(checkedIn))
                    .as(file.getKey() + " differs from a fresh generation: run com.vendstream.deploy.k8s.StrimziResources")
                    .isEqualTo(file.getValue());
        }
    }

    @Test
    void theUsersFileStatesTheReDriveExceptionAndItsNextStep() {
        assertThat(StrimziResources.users().lines().takeWhile(l -> l.startsWith("#")).toList())
                .anyMatch(l -> l.contains("deliberate exception") && l.contains(StrimziResources.REDRIVER))
                .anyMatch(l -> l.contains("Next step"));
    }

    @Test
    void topicNamesBecomeValidObjectNames() {
        assertThat(StrimziResources.resourceName("_schemas")).isEqualTo("schemas");
        assertThat(StrimziResources.resourceName("vendstream.vend.outcomes.order-service.dlq"))
                .isEqualTo("vendstream.vend.outcomes.order-service.dlq");
    }
}
