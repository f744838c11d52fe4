package dev.countersign.local.launcher;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM stop the launcher even when it inherited SIGINT ignored, as every
 * background job of a non-interactive shell script does. The JVM then installs no handler of its
 * own and refuses one from Java (it leaves ignored shutdown signals ignored), so the signal is
 * first reset to its default through libc, then handled explicitly: {@code System.exit} runs the
 * shutdown hook that stops everything.
 */
final class StopSignals {

    private interface LibC extends Library {
        /** {@code signal(2)}; a null handler is {@code SIG_DFL}. */
        Pointer signal(int signal, Pointer handler);
    }

    private StopSignals() {
    }

    static void install() {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal signal = new Signal(name);
            try {
                Native.load("c", LibC.class).signal(signal.getNumber(), null);
            } catch (LinkageError e) {
                System.err.println("Countersign: cannot reset SIG" + name + " (" + e.getMessage()
                        + "); if it was ignored, stop with SIGKILL");
            }
            Signal.handle(signal, received -> System.exit(128 + received.getNumber()));
        }
    }
}
