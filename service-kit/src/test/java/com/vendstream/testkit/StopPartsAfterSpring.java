package com.vendstream.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes the test class's static {@link EmbeddedParts} fields after Spring has closed the service
 * ({@code @DirtiesContext}). Registered with {@code @ExtendWith} on the class, it comes before SpringExtension
 * (which {@code @SpringBootTest} brings), so its afterAll runs after Spring's. Stopped in {@code @AfterAll}
 * instead, the broker went first and the service's Kafka clients then spent half a minute in their close
 * timeouts when Spring paused the context at the start of the next test class.
 */
public final class StopPartsAfterSpring implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext extension) throws IllegalAccessException {
        for (Field field : extension.getRequiredTestClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == EmbeddedParts.class) {
                field.setAccessible(true);
                EmbeddedParts parts = (EmbeddedParts) field.get(null);
                if (parts != null) {
                    parts.close();
                }
            }
        }
    }
}
