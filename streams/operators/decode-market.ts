/**
 * Feed events in, market events (price ticks and trades per mint) out, through one stateful
 * MarketDecoder; pools still pending at the end of the feed are flushed on completion.
 */
import { Observable, type OperatorFunction } from "rxjs";
import type { MarketDecoder } from "../decoders/market-decoder.js";
import type { FeedEvent, MarketEvent } from "../types.js";

export function decodeMarket(decoder: MarketDecoder): OperatorFunction<FeedEvent, MarketEvent> {
  return (source) =>
    new Observable<MarketEvent>((subscriber) => {
      const out: MarketEvent[] = [];
      const emit = (): void => {
        for (let i = 0; i < out.length; i++) subscriber.next(out[i] as MarketEvent);
        out.length = 0;
      };
      const sub = source.subscribe({
        next(ev) {
          decoder.decode(ev, out);
          if (out.length > 0) emit();
        },
        error: (e: unknown) => subscriber.error(e),
        complete() {
          decoder.flush(out);
          emit();
          subscriber.complete();
        },
      });
      return () => sub.unsubscribe();
    });
}
