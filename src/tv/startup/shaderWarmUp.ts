import { compileShaderNow } from '../sdk/internals'

/** What compileDefaultShader needs of a Lightning stage (its WebGL or Canvas2D renderer). */
export interface ShaderStage {
  renderer?: { getDefaultShader?(): unknown }
}

/**
 * Compiles the shader every element draws with as soon as the stage exists: compiled in the frame
 * that first shows the policy, it waits there behind that frame's text raster in the GPU process.
 * Lightning's Canvas2D renderer has nothing to compile.
 */
export function compileDefaultShader(stage: ShaderStage): void {
  compileShaderNow(stage.renderer?.getDefaultShader?.())
}
