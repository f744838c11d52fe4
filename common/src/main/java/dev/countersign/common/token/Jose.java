package dev.countersign.common.token;

import java.security.Security;

import org.jose4j.jca.ProviderContext;

import dev.countersign.common.crypto.EcdsaP256;

/**
 * jose4j pointed at BouncyCastle. jose4j selects providers by name, so BC is registered — last,
 * so nothing else picks it up by accident — and then named for every signature operation.
 */
public final class Jose {

    static final String PROVIDER_NAME = EcdsaP256.PROVIDER.getName();

    private Jose() {
    }

    public static ProviderContext bouncyCastle() {
        if (Security.getProvider(PROVIDER_NAME) == null) {
            Security.addProvider(EcdsaP256.PROVIDER);
        }
        ProviderContext context = new ProviderContext();
        context.getSuppliedKeyProviderContext().setSignatureProvider(PROVIDER_NAME);
        context.getSuppliedKeyProviderContext().setKeyFactoryProvider(PROVIDER_NAME);
        context.getGeneralProviderContext().setSignatureProvider(PROVIDER_NAME);
        context.getGeneralProviderContext().setKeyFactoryProvider(PROVIDER_NAME);
        return context;
    }
}
