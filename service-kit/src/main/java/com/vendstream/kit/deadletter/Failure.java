package com.vendstream.kit.deadletter;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerUnavailableException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoStalePrimaryException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.vendstream.kit.logging.LogSafe;
import com.vendstream.schemas.serde.SchemaRegistryException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.messaging.converter.MessageConversionException;

/**
 * Why a consumer could not process a record, which decides what happens to it. Every vendstream consumer
 * takes events that move money (see the service-kit README), so the rule is the same for all of them:
 * <ul>
 *   <li>{@link #TRANSIENT}: the store, the broker, the registry or the network did not answer, or refused our
 *   credentials. Nothing is wrong with the record; it is tried again, with a growing pause, for as long as it
 *   takes, and its offset is not committed. It is never dead-lettered.</li>
 *   <li>{@link #UNPROCESSABLE}: the record can never be processed (bytes that are not our Avro, a null value,
 *   an event of a type the topic does not carry). Dead-lettered at once.</li>
 *   <li>{@link #DEFECT}: anything else, i.e. a bug or data our code cannot handle. Tried a few times (a race
 *   may clear it), then dead-lettered, to be re-driven once the cause is fixed.</li>
 * </ul>
 * A failure is transient when any exception among its causes and suppressed exceptions is; an undecodable
 * record whose schema could not be fetched because the registry was down is transient, not unprocessable.
 */
public enum Failure {
    TRANSIENT, UNPROCESSABLE, DEFECT;

    /** The kind of a failure and the exception that decided it. */
    public record Classified(Failure kind, Throwable reason) {
    }

    /**
     * MongoDB server codes that mean the server could not do it now: host unreachable or not found, time
     * limits, write concern not satisfied, write conflicts, elections and shutdowns in progress.
     */
    private static final Set<Integer> TRANSIENT_MONGO_CODES = Set.of(6, 7, 50, 64, 89, 91, 112, 133, 134, 189, 262,
            9001, 10107, 11600, 11602, 13435, 13436);

    public static Classified classify(Throwable failure) {
        Throwable unprocessable = null;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>(List.of(failure));
        while (!pending.isEmpty() && seen.size() < 100) {
            Throwable t = pending.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (isTransient(t)) {
                return new Classified(TRANSIENT, t);
            }
            if (unprocessable == null && isUnprocessable(t)) {
                unprocessable = t;
            }
            if (t.getCause() != null) {
                pending.add(t.getCause());
            }
            Collections.addAll(pending, t.getSuppressed());
        }
        return unprocessable != null ? new Classified(UNPROCESSABLE, unprocessable)
                : new Classified(DEFECT, LogSafe.rootCause(failure));
    }

    static boolean isTransient(Throwable t) {
        return isStoreUnavailable(t) || isBrokerUnavailable(t) || isNetworkOrTimeout(t)
                || t instanceof SchemaRegistryException r && (r.httpStatus() < 0 || r.httpStatus() >= 500
                        || r.httpStatus() == 408 || r.httpStatus() == 429)
                || t instanceof TransientDataAccessException || t instanceof DataAccessResourceFailureException
                || t instanceof RecoverableDataAccessException
                // The driver's client closed under a running consumer: the service is stopping.
                || t instanceof IllegalStateException && "state should be: open".equals(t.getMessage());
    }

    private static boolean isStoreUnavailable(Throwable t) {
        return t instanceof MongoSocketException || t instanceof MongoTimeoutException
                || t instanceof MongoExecutionTimeoutException || t instanceof MongoOperationTimeoutException
                || t instanceof MongoNotPrimaryException || t instanceof MongoNodeIsRecoveringException
                || t instanceof MongoStalePrimaryException || t instanceof MongoConnectionPoolClearedException
                || t instanceof MongoServerUnavailableException || t instanceof MongoInterruptedException
                || t instanceof MongoWriteConcernException || t instanceof MongoSecurityException
                || t instanceof MongoException m && (m.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                        || m.hasErrorLabel("RetryableWriteError") || TRANSIENT_MONGO_CODES.contains(m.getCode()));
    }

    private static boolean isBrokerUnavailable(Throwable t) {
        // Authentication and authorisation failures are the cluster's configuration, not the record's fault.
        return t instanceof RetriableException || t instanceof AuthenticationException
                || t instanceof AuthorizationException || t instanceof InterruptException;
    }

    private static boolean isNetworkOrTimeout(Throwable t) {
        return t instanceof ConnectException || t instanceof SocketTimeoutException || t instanceof SocketException
                || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                || t instanceof HttpTimeoutException || t instanceof TimeoutException
                || t instanceof InterruptedException || t instanceof RejectedExecutionException;
    }

    static boolean isUnprocessable(Throwable t) {
        return t instanceof UnprocessableRecord || t instanceof DeserializationException
                || t instanceof MessageConversionException;
    }
}
