/** The parts of Lightning 2's WebGL renderer this touches (core 2.x; checked at run time). */
interface ShaderProgram {
  vertexShaderSource: string
  fragmentShaderSource: string
  gl: WebGLRenderingContext | null
  _program: WebGLProgram | null
  _uniformLocations?: Map<string, unknown>
  _attributeLocations?: Map<string, unknown>
  _currentUniformValues?: Record<string, unknown>
}
interface DefaultShader {
  _program?: ShaderProgram
  _initialized?: boolean
}
interface WarmupStage {
  gl?: WebGLRenderingContext | null
  ctx?: unknown
  renderer?: { getDefaultShader?(ctx: unknown): DefaultShader }
  once?(event: string, fn: () => void): void
  forceRenderUpdate?(): void
}

/**
 * Starts compiling Lightning's default shader as soon as the stage exists. Lightning compiles it
 * when the first textured quad is drawn and then waits for the result: ≈ 25 ms at the end of the
 * first page's frame here. Issued early, without asking for the result, the compile runs on the
 * GPU side while the app loads its page; Lightning finds the program made and uses it.
 * The link status is read after the first frame (free by then); on failure Lightning compiles
 * the shader itself, as it would have without this.
 */
export function warmUpDefaultShader(stage: WarmupStage): void {
  const gl = stage.gl
  const shader = stage.renderer?.getDefaultShader?.(stage.ctx)
  const program = shader?._program
  if (!gl || !shader || !program || program._program || typeof program.vertexShaderSource !== 'string' || typeof stage.once !== 'function') return
  const glProgram = gl.createProgram()
  const shaders = [
    [gl.VERTEX_SHADER, program.vertexShaderSource],
    [gl.FRAGMENT_SHADER, program.fragmentShaderSource],
  ] as const
  if (!glProgram) return
  for (const [type, source] of shaders) {
    const glShader = gl.createShader(type)
    if (!glShader) {
      gl.deleteProgram(glProgram)
      return
    }
    gl.shaderSource(glShader, source)
    gl.compileShader(glShader)
    gl.attachShader(glProgram, glShader)
    // Flagged for deletion; freed with the program, as Lightning does.
    gl.deleteShader(glShader)
  }
  gl.linkProgram(glProgram)
  program.gl = gl
  program._program = glProgram
  stage.once('frameEnd', () => {
    if (gl.getProgramParameter(glProgram, gl.LINK_STATUS)) return
    // Back to the state Lightning starts from, so its next use compiles the shader itself.
    gl.deleteProgram(glProgram)
    program._program = null
    program._uniformLocations?.clear()
    program._attributeLocations?.clear()
    program._currentUniformValues = {}
    shader._initialized = false
    stage.forceRenderUpdate?.()
  })
}
