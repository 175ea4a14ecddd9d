package com.vendstream.deploy;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The tests' in-memory span exporter: in a context started with {@value #SETTING}=true, every ended span is kept
 * here (beside whatever the service exports), so a test reads the traces the services made. Registered for every
 * context of the test JVM (META-INF/spring.factories) and idle where the setting is off.
 */
public final class SpanCapture implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final String SETTING = "vendstream.test.capture-spans";
    private static final List<SpanData> SPANS = new CopyOnWriteArrayList<>();

    static List<SpanData> spans() {
        return List.copyOf(SPANS);
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        if (context.getEnvironment().getProperty(SETTING, Boolean.class, false)) {
            context.getBeanFactory().registerSingleton("testSpanCapture", new SpanProcessor() {
                @Override
                public void onStart(Context parent, ReadWriteSpan span) {
                }

                @Override
                public boolean isStartRequired() {
                    return false;
                }

                @Override
                public void onEnd(ReadableSpan span) {
                    SPANS.add(span.toSpanData());
                }

                @Override
                public boolean isEndRequired() {
                    return true;
                }
            });
        }
    }
}
