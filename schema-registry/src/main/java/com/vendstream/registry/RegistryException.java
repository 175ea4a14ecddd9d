package com.vendstream.registry;

/** An error answered in Confluent's shape: {@code {"error_code": 40401, "message": "..."}}. */
public class RegistryException extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;

    public RegistryException(int httpStatus, int errorCode, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    public static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }

    public static RegistryException versionNotFound(String version) {
        return new RegistryException(404, 40402, "Version " + version + " not found.");
    }

    public static RegistryException schemaNotFound(String what) {
        return new RegistryException(404, 40403, "Schema " + what + " not found");
    }

    public static RegistryException subjectNotSoftDeleted(String subject) {
        return new RegistryException(404, 40405, "Subject '" + subject + "' was not deleted first before being "
                + "permanently deleted");
    }

    public static RegistryException subjectLevelCompatibilityNotConfigured(String subject) {
        return new RegistryException(404, 40408, "Subject '" + subject + "' does not have subject-level "
                + "compatibility configured");
    }

    public static RegistryException incompatible(String details) {
        return new RegistryException(409, 409, "Schema being registered is incompatible with an earlier schema "
                + "for subject; " + details);
    }

    public static RegistryException invalidSchema(String details) {
        return new RegistryException(422, 42201, "Invalid schema: " + details);
    }

    public static RegistryException invalidVersion(String version) {
        return new RegistryException(422, 42202, "The specified version '" + version + "' is not a valid version "
                + "id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    public static RegistryException invalidCompatibilityLevel(String level) {
        return new RegistryException(422, 42203, "Invalid compatibility level. Valid values are none, backward, "
                + "forward, full, backward_transitive, forward_transitive, and full_transitive; got " + level);
    }

    public static RegistryException storeError(String message, Throwable cause) {
        RegistryException e = new RegistryException(500, 50001, "Error in the backend data store - " + message);
        e.initCause(cause);
        return e;
    }
}
