module github.com/flaskbridge/flaskbridge

go 1.26

require github.com/nlpodyssey/gopickle v0.2.0
