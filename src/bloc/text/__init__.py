"""Text: from an article to dated events, one stage a module.

read -> clean -> sentences -> actors -> coder (roles from the parse) -> dates,
put together per document by `pipeline.process`; `evaluate` scores the coder
against hand-made gold. The stages are language-neutral; each language's parser
adapter, actor finder, dates, words and page patterns are a folder of `lang/`,
registered in `reading` (the `Language` interface); `coders` names the coders.
"""
