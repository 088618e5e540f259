package dev.sambasidecars.witness.msnlmp;

import dev.sambasidecars.witness.msnlmp.NtlmAuthenticationException.Reason;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link CredentialBackend} over a map of user name to NT hash (MD4 of the UTF-16LE password)
 * that checks NTLMv2 responses itself (MS-NLMP 3.3.2). Lookup ignores the domain and the case of
 * the user name, as a standalone server's SAM does. Only NTLMv2 is accepted: NTProofStr alone
 * decides, and the LmChallengeResponse (LMv2 or zeros) is not checked.
 */
public final class NtHashCredentials implements CredentialBackend {

    /**
     * One account.
     *
     * @param name the user name as stored
     * @param ntHash the 16-byte NT hash, or null when the account has no usable password
     * @param disabled whether logons are refused
     */
    public record Account(String name, byte[] ntHash, boolean disabled) {
        /** Validates and copies the hash. */
        public Account {
            Objects.requireNonNull(name, "name");
            if (ntHash != null) {
                if (ntHash.length != 16) {
                    throw new IllegalArgumentException("NT hash must be 16 bytes");
                }
                ntHash = ntHash.clone();
            }
        }

        @Override
        public byte[] ntHash() {
            return ntHash == null ? null : ntHash.clone();
        }
    }

    private final Map<String, Account> accounts;

    private NtHashCredentials(Map<String, Account> accounts) {
        this.accounts = Map.copyOf(accounts);
    }

    /** Starts an empty set of accounts. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of accounts. */
    public int size() {
        return accounts.size();
    }

    /** The account for {@code user}, matched case-insensitively. */
    public Optional<Account> account(String user) {
        return Optional.ofNullable(accounts.get(key(user)));
    }

    private static String key(String user) {
        return NtlmCrypto.upper(user);
    }

    @Override
    public byte[] verify(String user, String domain, byte[] serverChallenge,
            byte[] ntChallengeResponse, byte[] lmChallengeResponse)
            throws NtlmAuthenticationException, NtlmProtocolException {
        Account account = accounts.get(key(user));
        if (account == null) {
            throw new NtlmAuthenticationException(Reason.UNKNOWN_USER, "no account " + user);
        }
        if (account.disabled()) {
            throw new NtlmAuthenticationException(Reason.ACCOUNT_DISABLED, "account " + user);
        }
        if (account.ntHash == null) {
            throw new NtlmAuthenticationException(Reason.NO_PASSWORD, "account " + user);
        }
        if (ntChallengeResponse.length == 24) {
            throw new NtlmAuthenticationException(Reason.NTLMV1_REFUSED, "user " + user);
        }
        if (ntChallengeResponse.length == 0) {
            throw new NtlmAuthenticationException(Reason.LM_REFUSED, "user " + user);
        }
        Ntlmv2Response response = Ntlmv2Response.parse(ntChallengeResponse);
        byte[] temp = response.clientChallengeBlob();
        byte[] sent = response.ntProofStr();
        // The client may have hashed the domain as typed, upper-cased, or not at all (Samba's
        // libcli/auth/ntlm_check.c tries the same three); the NTProofStr tells which one is right.
        Set<String> domains = new LinkedHashSet<>();
        domains.add(domain);
        domains.add(NtlmCrypto.upper(domain));
        domains.add("");
        for (String d : domains) {
            byte[] responseKeyNt = NtlmCrypto.ntowfV2(account.ntHash, user, d);
            byte[] proof = NtlmCrypto.ntProofStr(responseKeyNt, serverChallenge, temp);
            if (MessageDigest.isEqual(proof, sent)) {
                return NtlmCrypto.sessionBaseKeyV2(responseKeyNt, proof);
            }
        }
        throw new NtlmAuthenticationException(Reason.WRONG_PASSWORD, "user " + user);
    }

    /** Collects accounts; a later entry for the same user (in any case) is rejected. */
    public static final class Builder {
        private final Map<String, Account> accounts = new LinkedHashMap<>();

        private Builder() {}

        /** Adds an account; fails if the user (case-insensitively) is already present. */
        public Builder add(Account account) {
            if (accounts.putIfAbsent(key(account.name()), account) != null) {
                throw new IllegalArgumentException("duplicate account " + account.name());
            }
            return this;
        }

        /** Whether the user (case-insensitively) is already present. */
        public boolean contains(String user) {
            return accounts.containsKey(key(user));
        }

        /** Adds an enabled account with the NT hash of {@code password}. */
        public Builder password(String user, String password) {
            return add(new Account(user, NtlmCrypto.ntHash(password), false));
        }

        /** Adds an enabled account with a precomputed NT hash. */
        public Builder ntHash(String user, byte[] ntHash) {
            return add(new Account(user, ntHash, false));
        }

        /** The accounts collected so far. */
        public NtHashCredentials build() {
            return new NtHashCredentials(accounts);
        }
    }
}
