package com.vendstream.order.account;

/** Kenya Power meter numbers carry a Luhn check digit; a wrong one is refused before any provider call. */
public final class Luhn {

    private Luhn() {
    }

    public static boolean valid(String digits) {
        if (digits == null || !digits.matches("\\d{2,}")) {
            return false;
        }
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }
}
