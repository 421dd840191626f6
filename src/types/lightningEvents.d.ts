// The TV app's `$` events, added to the SDK's typings so fireAncestors() checks each name and
// its arguments against what the ancestor's handler takes.
import type { Decisions, Scope } from '../core/protocol'

declare module '@lightningjs/sdk' {
  namespace Lightning {
    namespace Component {
      interface FireAncestorsMap {
        /** MenuList: Enter on the entry with this id. */
        $menuSelected(id: string): void
        /** MenuList: Left (-1) or Right (1) on the entry with this id. */
        $menuAdjust(id: string, step: 1 | -1): void
        /** ButtonRow: Left/Right moved focus to the button with this id. */
        $buttonFocused(id: string | undefined): void
        /** ButtonRow: Enter on the button with this id. */
        $buttonPressed(id: string): void
        /** ChoiceRow: its scope's choice changed. */
        $choiceChanged(): void
        /** ConsentOverlay: a choice changed; the decisions as they stand. */
        $consentChanged(decisions: Decisions): void
        /** ConsentOverlay: 确认并发送, with the decisions to send. */
        $consentDecided(decisions: Decisions): void
        /** ConsentOverlay: the viewer asked to read the policy first, at the row the focused scope quotes. */
        $consentReadPolicy(scope: Scope | undefined): void
      }
    }
  }
}
