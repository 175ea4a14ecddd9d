package com.vendstream.kit.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.events.FailureClass;
import com.vendstream.events.PendingReason;
import com.vendstream.events.ServiceCategory;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.ServiceType;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every constant of each pair maps both ways, by the same name; the contract's extra symbols are only
 * those listed here (a new one on either side fails this test or the bridge's compilation).
 */
class ProviderEnumsTest {

    private static Set<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).collect(Collectors.toSet());
    }

    @Test
    void serviceCategoriesAndServiceTypes() {
        for (ServiceCategory c : ServiceCategory.values()) {
            if (c == ServiceCategory.OTHER) {
                assertThatThrownBy(() -> ProviderEnums.serviceType(c)).isInstanceOf(IllegalArgumentException.class);
            } else {
                assertThat(ProviderEnums.serviceType(c).name()).isEqualTo(c.name());
            }
        }
        for (ServiceType t : ServiceType.values()) {
            assertThat(ProviderEnums.serviceType(ServiceCategory.valueOf(t.name()))).isEqualTo(t);
        }
        assertThat(names(ServiceCategory.values())).containsExactlyInAnyOrderElementsOf(
                union(names(ServiceType.values()), "OTHER"));
    }

    @Test
    void failureClasses() {
        for (com.vendstream.providers.FailureClass f : com.vendstream.providers.FailureClass.values()) {
            assertThat(ProviderEnums.failureClass(f).name()).isEqualTo(f.name());
        }
        assertThat(ProviderEnums.failureClass(null)).isEqualTo(FailureClass.OTHER);
        assertThat(names(FailureClass.values())).containsExactlyInAnyOrderElementsOf(
                union(names(com.vendstream.providers.FailureClass.values()), "OTHER"));
    }

    @Test
    void pendingCausesAndReasons() {
        for (PendingCause c : PendingCause.values()) {
            assertThat(ProviderEnums.pendingReason(c).name()).isEqualTo(c.name());
        }
        // IN_FLIGHT_AT_RESTART is vend-service's own (a vend it cannot know the fate of after a crash).
        assertThat(names(PendingReason.values())).containsExactlyInAnyOrderElementsOf(
                union(names(PendingCause.values()), "OTHER", "IN_FLIGHT_AT_RESTART"));
    }

    private static Set<String> union(Set<String> a, String... more) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(Arrays.asList(more));
        return all;
    }
}
