/** What compileDefaultShader needs of a Lightning stage (its WebGL or Canvas2D renderer). */
export interface ShaderStage {
  renderer?: { getDefaultShader?(): unknown }
}

/**
 * Compiles the shader every element draws with as soon as the stage exists. Lightning compiles
 * it when it first draws a quad, and waits for Chromium's GPU process there: in the frame that
 * shows the consent gate, that wait came after the page's text had been sent to the same process
 * to rasterise, and the frame took 38–43 ms instead of 9. Compiled here, it is done before that
 * text is. Lightning's Canvas2D renderer has nothing to compile.
 */
export function compileDefaultShader(stage: ShaderStage): void {
  const shader = stage.renderer?.getDefaultShader?.() as { _init?(): void } | undefined
  // _init compiles once (Lightning's own first use then finds it compiled).
  shader?._init?.()
}
