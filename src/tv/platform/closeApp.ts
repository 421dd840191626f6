import type { Lightning } from '@lightningjs/sdk'

/** The SDK's Application has closeApp() (platform onClose or window close) but its typings omit it. */
export function closeApp(app: Lightning.Application): void {
  ;(app as unknown as { closeApp(): void }).closeApp()
}
