// Entry point required by @lightningjs/cli: the TV app lives in src/tv.
export { default } from './tv/index'
