package com.vendstream.kit.providers;

import com.vendstream.events.FailureClass;
import com.vendstream.events.PendingReason;
import com.vendstream.events.ServiceCategory;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.ServiceType;

/**
 * The one bridge between the providers module's enums and the event contract's, each an exhaustive
 * switch: a constant added to the source enum does not compile until it is mapped here, where a
 * {@code valueOf(x.name())} would fail at run time on the first order that used it. Providers keeps
 * its own enums because the contract's carry symbols a connector must never produce (OTHER, the
 * schema's default, and IN_FLIGHT_AT_RESTART, which only vend-service's restart recovery states) and
 * because providers does not depend on Avro.
 */
public final class ProviderEnums {

    private ProviderEnums() {
    }

    /**
     * What a connector is asked to sell for an order line.
     *
     * @throws IllegalArgumentException for OTHER, which no connector sells
     */
    public static ServiceType serviceType(ServiceCategory category) {
        return switch (category) {
            case AIRTIME -> ServiceType.AIRTIME;
            case DATA -> ServiceType.DATA;
            case CABLE_TV -> ServiceType.CABLE_TV;
            case ELECTRICITY -> ServiceType.ELECTRICITY;
            case EDUCATION -> ServiceType.EDUCATION;
            case BILL_PAYMENT -> ServiceType.BILL_PAYMENT;
            case OTHER -> throw new IllegalArgumentException("no provider sells service category OTHER");
        };
    }

    /** A connector's failure class as the events carry it; none given is OTHER. */
    public static FailureClass failureClass(com.vendstream.providers.FailureClass failureClass) {
        if (failureClass == null) {
            return FailureClass.OTHER;
        }
        return switch (failureClass) {
            case VALIDATION -> FailureClass.VALIDATION;
            case ACCOUNT -> FailureClass.ACCOUNT;
            case INSUFFICIENT_FLOAT -> FailureClass.INSUFFICIENT_FLOAT;
            case DECLINED_BY_PROVIDER -> FailureClass.DECLINED_BY_PROVIDER;
            case THROTTLED -> FailureClass.THROTTLED;
            case NOT_AVAILABLE_TO_MERCHANT -> FailureClass.NOT_AVAILABLE_TO_MERCHANT;
            case NO_PROVIDER -> FailureClass.NO_PROVIDER;
        };
    }

    /** Why a connector's outcome is not known, as the events carry it. */
    public static PendingReason pendingReason(PendingCause cause) {
        return switch (cause) {
            case PROVIDER_PENDING -> PendingReason.PROVIDER_PENDING;
            case TIMEOUT -> PendingReason.TIMEOUT;
            case CONNECTION_RESET -> PendingReason.CONNECTION_RESET;
            case SERVER_ERROR -> PendingReason.SERVER_ERROR;
            case UNPARSEABLE_REPLY -> PendingReason.UNPARSEABLE_REPLY;
            case UNKNOWN_CODE -> PendingReason.UNKNOWN_CODE;
            case THROTTLED_AFTER_SEND -> PendingReason.THROTTLED_AFTER_SEND;
        };
    }
}
