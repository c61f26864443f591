/**
 * Colours ffmpeg understands, as we accept them: #rrggbb[aa], 0xrrggbb[aa], rrggbb[aa], or one of ffmpeg's
 * colour names (the X11/CSS list of `ffmpeg -colors`, any case). `random` is left out: a render must be
 * reproducible. Nothing else can reach a filtergraph.
 */
const HEX_COLOR = /^(#|0x)?[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/

const COLOR_NAMES: ReadonlySet<string> = new Set((
  'aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood ' +
  'cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod ' +
  'darkgray darkgreen darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen ' +
  'darkslateblue darkslategray darkturquoise darkviolet deeppink deepskyblue dimgray dodgerblue firebrick ' +
  'floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray green greenyellow honeydew hotpink ' +
  'indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan ' +
  'lightgoldenrodyellow lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray ' +
  'lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine mediumblue mediumorchid ' +
  'mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue ' +
  'mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid palegoldenrod ' +
  'palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple red rosybrown ' +
  'royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue slategray snow ' +
  'springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen'
).split(' '))

/** true for a colour ffmpeg renders as we mean it (a misspelt name is not one) */
export function isColor (value: unknown): value is string {
  return typeof value === 'string' && (HEX_COLOR.test(value) || COLOR_NAMES.has(value.toLowerCase()))
}

/** how a colour is described in messages */
export const COLOR_WORDS = 'a colour: a name like black or orange, #rrggbb or 0xrrggbb (#rrggbbaa with alpha)'
