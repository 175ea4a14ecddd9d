package com.vendstream.providers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceTypeTest {

    @Test
    void aStoredServiceNameIsItsTypeAndAnythingElseIsNone() {
        for (ServiceType type : ServiceType.values()) {
            assertThat(ServiceType.ofName(type.name())).isSameAs(type);
        }
        // OTHER (no connector sells it), an unknown or missing name: the requery goes without a service.
        assertThat(ServiceType.ofName("OTHER")).isNull();
        assertThat(ServiceType.ofName("airtime")).isNull();
        assertThat(ServiceType.ofName(null)).isNull();
    }
}
