package com.vendstream.kit.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import com.vendstream.schemas.serde.SchemaRegistryException;
import java.net.ConnectException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.support.GenericMessage;
import reactor.core.publisher.Mono;

/** Which consumer failures wait for the infrastructure, which are dead-lettered at once, which after a few tries. */
class FailureTest {

    /** As the container hands a listener's failure to the error handler. */
    private static Exception fromListener(Throwable cause) {
        return new ListenerExecutionFailedException("Listener failed",
                new MessageHandlingException(new GenericMessage<>("event"), "error occurred in message handler", cause));
    }

    @Test
    void aStoreOrBrokerThatDoesNotAnswerIsTransient() {
        assertThat(Failure.classify(fromListener(new MongoTimeoutException("Timed out waiting for a server"))).kind())
                .isEqualTo(Failure.TRANSIENT);
        assertThat(Failure.classify(fromListener(new MongoSocketOpenException("refused", new ServerAddress(),
                new ConnectException("Connection refused")))).kind()).isEqualTo(Failure.TRANSIENT);
        assertThat(Failure.classify(fromListener(new DataAccessResourceFailureException("store down"))).kind())
                .isEqualTo(Failure.TRANSIENT);
        assertThat(Failure.classify(fromListener(new org.apache.kafka.common.errors.TimeoutException("metadata")))
                .kind()).isEqualTo(Failure.TRANSIENT);
        // Reactor's block(timeout): an IllegalStateException caused by a TimeoutException.
        Exception blocked = org.assertj.core.api.Assertions.catchException(() -> Mono.never()
                .block(java.time.Duration.ofMillis(1)));
        assertThat(Failure.classify(fromListener(blocked)).kind()).isEqualTo(Failure.TRANSIENT);
    }

    @Test
    void aRecordThatCannotBeDecodedIsUnprocessableUnlessTheRegistryWasDown() {
        DeserializationException unknownSchema = new DeserializationException("failed to deserialize", new byte[] {0},
                false, new SerializationException("Unknown schema id 9", new SchemaRegistryException(404, 40403,
                        "Schema not found")));
        assertThat(Failure.classify(unknownSchema).kind()).isEqualTo(Failure.UNPROCESSABLE);
        DeserializationException registryDown = new DeserializationException("failed to deserialize", new byte[] {0},
                false, new SerializationException("Cannot fetch schema id 9", new SchemaRegistryException(
                        "no schema registry reachable", new ConnectException("Connection refused"))));
        assertThat(Failure.classify(registryDown).kind()).isEqualTo(Failure.TRANSIENT);
        assertThat(Failure.classify(fromListener(new UnprocessableRecord("a tombstone"))).kind())
                .isEqualTo(Failure.UNPROCESSABLE);
    }

    @Test
    void anythingElseIsADefectNamedByItsDeepestCause() {
        IllegalStateException bug = new IllegalStateException("Expected one element but got zero");
        Failure.Classified classified = Failure.classify(fromListener(bug));
        assertThat(classified.kind()).isEqualTo(Failure.DEFECT);
        assertThat(classified.reason()).isSameAs(bug);
    }
}
