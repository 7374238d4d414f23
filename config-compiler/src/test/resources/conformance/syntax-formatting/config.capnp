# Comments everywhere, trailing commas, odd spacing, one-line values.
using   Workerd=import"/workerd/workerd.capnp";   # compact using

const config:Workerd.Config=(services=[(name="a",disk="/a"),(name="b",disk=(path="/b",),),],# trailing commas
  # a comment between fields
  sockets = [
    ( name = "s" ,   # spaces before commas
      address = "*:1",
      http = ( ),
      service = ( name = "a" )
    )
  ]
)  ;
