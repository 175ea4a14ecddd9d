package com.vendstream.providers;

/** Look up the account that will receive value, before the payer is charged. */
public record VerifyCommand(ServiceType service, String billerId, String itemId, String account) {

    @Override
    public String toString() {
        return "VerifyCommand[service=" + service + ", billerId=" + billerId + ", itemId=" + itemId
                + ", account=" + Masking.account(account) + "]";
    }
}
