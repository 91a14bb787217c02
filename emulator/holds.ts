/**
 * Holds: the next call of an action waits, before it is processed, until the test releases it.
 * A test sees the call arrive, then does what must happen while it is in flight (kill the client,
 * change the state), then releases it: the emulator processes it as ESS would process a request
 * it had already received.
 */

/** A hold on the next call of one action. */
export interface Hold {
    readonly id: number;
    readonly action: string;
    /** Resolves once the held call has arrived (it then waits for release); rejects if released first. */
    readonly arrived: Promise<void>;
    /** Lets the held call go on; drops the hold if no call has arrived yet. Idempotent. */
    release(): void;
}

interface ActiveHold extends Hold {
    hit: boolean;
    /** Resolves when the hold is released: the held call goes on. */
    gate: Promise<void>;
    arrive(): void;
}

export class Holds {
    private active: ActiveHold[] = [];
    private nextId = 1;

    add(action: string): Hold {
        const id = this.nextId++;
        let arrive!: () => void;
        let fail!: (e: Error) => void;
        let open!: () => void;
        const arrived = new Promise<void>((resolve, reject) => {
            arrive = resolve;
            fail = reject;
        });
        arrived.catch(() => undefined); // a hold released unused is not an unhandled rejection
        const gate = new Promise<void>((resolve) => (open = resolve));
        const hold: ActiveHold = {
            id,
            action,
            arrived,
            gate,
            hit: false,
            arrive,
            release: () => {
                if (!this.active.includes(hold)) return;
                this.active = this.active.filter((h) => h !== hold);
                if (!hold.hit) fail(new Error(`hold ${id} on ${action} was released before a call arrived`));
                open();
            },
        };
        this.active.push(hold);
        return hold;
    }

    /** The holds not released yet. */
    list(): Hold[] {
        return [...this.active];
    }

    /** For an arriving call: the gate to wait for when a hold catches it, else undefined. */
    arrive(action: string): Promise<void> | undefined {
        const hold = this.active.find((h) => h.action === action && !h.hit);
        if (!hold) return undefined;
        hold.hit = true;
        hold.arrive();
        return hold.gate;
    }

    /** Releases every hold (held calls go on). */
    releaseAll(): void {
        for (const h of [...this.active]) h.release();
    }
}
